import type { Catalogue } from './catalogue.js';

/**
 * Portuguese, "você" (Brazilian usage, read without trouble in Portugal). Where each string appears:
 * `COPY_NOTES` in catalogue.ts. "na loja {store}" keeps the store name free of a gendered article.
 */
export const pt: Catalogue = {
  languageName: 'Português',
  subject1: 'Seu carrinho na loja {store} está salvo',
  subject2: 'Ainda pensando? Seu carrinho na loja {store} espera por você',
  preheader1: 'Tudo o que você escolheu na loja {store} continua lá, pronto quando você quiser.',
  preheader2: 'Seu carrinho na loja {store} continua salvo. Volte quando quiser.',
  heading1: 'Seu carrinho está salvo',
  heading2: 'Seu carrinho ainda espera por você',
  greetingName: 'Olá, {name}!',
  greeting: 'Olá!',
  line1:
    'No seu carrinho na loja {store}: {items}. Guardamos tudo para você continuar exatamente de onde parou.',
  line2: 'Sua seleção na loja {store}: {items}. Está a apenas um clique, quando você quiser.',
  itemsAndMore: { one: '{title} e mais {count} item', other: '{title} e mais {count} itens' },
  aFewThings: 'alguns itens',
  replyInvite: 'Tem alguma dúvida antes de comprar? É só responder a este e-mail.',
  quantity: 'Quantidade: {quantity}',
  unitPrice: '{price} cada',
  moreInCart: {
    one: '+ {count} outro item no seu carrinho',
    other: '+ {count} outros itens no seu carrinho',
  },
  total: 'Total',
  button1: 'Voltar ao carrinho',
  button2: 'Finalizar compra',
  discountOffer: 'Um presente pela sua volta: {discount}. Use este código ao finalizar a compra:',
  discountCodeLabel: 'Seu código',
  discountMinimum: 'Em compras a partir de {amount}.',
  discountUntil: 'Válido até {date}.',
  yourCart: 'Seu carrinho:',
  footerWhy: 'Você está recebendo este e-mail porque deixou itens no seu carrinho na loja {store}.',
  footerUnsubscribeAsk: 'Não quer mais receber lembretes do carrinho?',
  unsubscribe: 'Cancelar inscrição',
  textUnsubscribe: 'Cancelar inscrição nos lembretes do carrinho:',
  pageConfirmHeading: 'Parar os lembretes do carrinho?',
  pageConfirmBody: 'Você não receberá mais lembretes de carrinhos deixados na loja {store}.',
  pageDoneTitle: 'Inscrição cancelada',
  pageDoneHeading: 'Sua inscrição foi cancelada',
  pageDoneBody: 'A loja {store} não enviará mais lembretes do carrinho. Desculpe o incômodo.',
  pageAlreadyTitle: 'Inscrição já cancelada',
  pageAlreadyHeading: 'Sua inscrição já estava cancelada',
  pageAlreadyBody: 'A loja {store} não envia lembretes do carrinho para você. Não é preciso fazer mais nada.',
  pageBadTitle: 'Link inválido',
  pageBadHeading: 'Este link de cancelamento não é válido',
  pageBadBody: 'Ele pode ter sido cortado ao ser copiado. Use o link diretamente do e-mail.',
  pageNotAllowedTitle: 'Não permitido',
  pageNotAllowedBody: 'Abra o link de cancelamento a partir do e-mail.',
};
