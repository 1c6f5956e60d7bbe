import type { Catalogue } from './catalogue.js';

/**
 * French, "vous". Where each string appears: `COPY_NOTES` in catalogue.ts. Before ? and : French
 * puts a narrow no-break space (U+202F), so a line never starts with the mark.
 */
export const fr: Catalogue = {
  languageName: 'Français',
  subject1: 'Votre panier chez {store} est sauvegardé',
  subject2: 'Toujours en réflexion\u202f? Votre panier chez {store} vous attend',
  preheader1: 'Tout ce que vous avez choisi chez {store} vous attend, dès que vous le souhaitez.',
  preheader2: 'Votre panier chez {store} est toujours sauvegardé. Revenez quand vous voulez.',
  heading1: 'Votre panier est sauvegardé',
  heading2: 'Votre panier vous attend toujours',
  greetingName: 'Bonjour {name},',
  greeting: 'Bonjour,',
  line1:
    'Dans votre panier chez {store}\u202f: {items}. Nous avons tout gardé pour vous, vous pouvez reprendre votre commande à tout moment.',
  line2:
    'Votre sélection chez {store}\u202f: {items}. Elle vous attend, à un clic seulement, quand vous le souhaitez.',
  itemsAndMore: { one: '{title} et {count} autre article', other: '{title} et {count} autres articles' },
  aFewThings: 'quelques articles',
  replyInvite: 'Une question avant de commander\u202f? Répondez simplement à cet e-mail.',
  quantity: 'Quantité\u202f: {quantity}',
  unitPrice: '{price} l’unité',
  moreInCart: {
    one: '+ {count} autre article dans votre panier',
    other: '+ {count} autres articles dans votre panier',
  },
  total: 'Total',
  button1: 'Voir mon panier',
  button2: 'Finaliser ma commande',
  discountOffer:
    'Un petit cadeau pour votre retour\u202f: {discount}. Utilisez ce code lors du paiement\u202f:',
  discountCodeLabel: 'Votre code',
  discountMinimum: 'Dès {amount} d’achat.',
  discountUntil: 'Valable jusqu’au {date} inclus.',
  yourCart: 'Votre panier\u202f:',
  labelValue: '{label}\u202f: {value}',
  footerWhy: 'Vous recevez cet e-mail car des articles sont restés dans votre panier chez {store}.',
  footerUnsubscribeAsk: 'Vous ne souhaitez plus recevoir ces rappels\u202f?',
  unsubscribe: 'Se désabonner',
  textUnsubscribe: 'Se désabonner des rappels de panier\u202f:',
  pageConfirmHeading: 'Arrêter les rappels de panier\u202f?',
  pageConfirmBody: 'Vous ne recevrez plus de rappels pour les paniers laissés chez {store}.',
  pageDoneTitle: 'Désabonnement confirmé',
  pageDoneHeading: 'Votre désabonnement est confirmé',
  pageDoneBody: '{store} ne vous enverra plus de rappels de panier. Désolés pour le dérangement.',
  pageAlreadyTitle: 'Désabonnement déjà effectué',
  pageAlreadyHeading: 'Votre désabonnement est déjà effectif',
  pageAlreadyBody: '{store} ne vous envoie aucun rappel de panier. Vous n’avez rien d’autre à faire.',
  pageBackToStore: 'Retour à {store}',
  pageBadTitle: 'Lien non valide',
  pageBadHeading: 'Ce lien de désabonnement n’est pas valide',
  pageBadBody:
    'Il a peut-être été tronqué lors d’un copier-coller. Utilisez le lien directement depuis l’e-mail.',
  pageNotAllowedTitle: 'Action non autorisée',
  pageNotAllowedBody: 'Ouvrez le lien de désabonnement depuis l’e-mail.',
};
