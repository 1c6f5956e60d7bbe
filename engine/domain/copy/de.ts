import type { Catalogue } from './catalogue.js';

/** German, formal ("Sie"). Where each string appears: `COPY_NOTES` in catalogue.ts. */
export const de: Catalogue = {
  languageName: 'Deutsch',
  subject1: 'Ihr Warenkorb bei {store} ist gespeichert',
  subject2: 'Noch unentschlossen? Ihr Warenkorb bei {store} wartet',
  preheader1: 'Alles, was Sie bei {store} ausgewählt haben, liegt noch für Sie bereit.',
  preheader2: 'Ihr Warenkorb bei {store} ist weiterhin gespeichert. Kommen Sie zurück, wann es Ihnen passt.',
  heading1: 'Ihr Warenkorb ist gespeichert',
  heading2: 'Ihr Warenkorb wartet noch auf Sie',
  greetingName: 'Hallo {name},',
  greeting: 'Guten Tag,',
  line1:
    'Noch in Ihrem Warenkorb bei {store}: {items}. Wir haben alles für Sie aufbewahrt, damit Sie genau dort weitermachen können, wo Sie aufgehört haben.',
  line2:
    'Für Sie gespeichert bei {store}: {items}. Wann immer Sie so weit sind, ist alles nur einen Klick entfernt.',
  itemsAndMore: { one: '{title} und {count} weiterer Artikel', other: '{title} und {count} weitere Artikel' },
  aFewThings: 'einige Artikel',
  replyInvite: 'Haben Sie vor der Bestellung noch eine Frage? Antworten Sie einfach auf diese E-Mail.',
  quantity: 'Menge: {quantity}',
  unitPrice: 'je {price}',
  moreInCart: {
    one: '+ {count} weiterer Artikel in Ihrem Warenkorb',
    other: '+ {count} weitere Artikel in Ihrem Warenkorb',
  },
  total: 'Gesamt',
  button1: 'Zurück zum Warenkorb',
  button2: 'Bestellung abschließen',
  discountOffer:
    'Ein kleines Dankeschön für Ihre Rückkehr: {discount}. Geben Sie diesen Code an der Kasse ein:',
  discountCodeLabel: 'Ihr Code',
  discountMinimum: 'Ab einem Bestellwert von {amount}.',
  discountUntil: 'Gültig bis {date}.',
  yourCart: 'Ihr Warenkorb:',
  labelValue: '{label}: {value}',
  footerWhy: 'Sie erhalten diese E-Mail, weil Sie bei {store} Artikel im Warenkorb gelassen haben.',
  footerUnsubscribeAsk: 'Keine Warenkorb-Erinnerungen mehr?',
  unsubscribe: 'Abmelden',
  textUnsubscribe: 'Von Warenkorb-Erinnerungen abmelden:',
  pageConfirmHeading: 'Warenkorb-Erinnerungen abbestellen?',
  pageConfirmBody:
    'Sie erhalten dann keine Erinnerungen mehr an Warenkörbe, die Sie bei {store} zurückgelassen haben.',
  pageDoneTitle: 'Abgemeldet',
  pageDoneHeading: 'Sie sind abgemeldet',
  pageDoneBody: '{store} sendet Ihnen keine Warenkorb-Erinnerungen mehr. Entschuldigen Sie die Störung.',
  pageAlreadyTitle: 'Bereits abgemeldet',
  pageAlreadyHeading: 'Sie sind bereits abgemeldet',
  pageAlreadyBody: '{store} sendet Ihnen keine Warenkorb-Erinnerungen. Sie müssen nichts weiter tun.',
  pageBackToStore: 'Zurück zu {store}',
  pageBadTitle: 'Link ungültig',
  pageBadHeading: 'Dieser Abmeldelink ist ungültig',
  pageBadBody:
    'Vielleicht wurde er beim Kopieren abgeschnitten. Bitte verwenden Sie den Link direkt in der E-Mail.',
  pageNotAllowedTitle: 'Nicht erlaubt',
  pageNotAllowedBody: 'Öffnen Sie den Abmeldelink aus der E-Mail.',
};
