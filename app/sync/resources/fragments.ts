/** GraphQL fragments shared by several resources' documents (names prefixed `Sync` to stay unique in app/). */

export const MONEY_BAG_FRAGMENT = `#graphql
  fragment SyncMoneyBag on MoneyBag {
    shopMoney {
      amount
      currencyCode
    }
    presentmentMoney {
      amount
      currencyCode
    }
  }
`;

export const MAILING_ADDRESS_FRAGMENT = `#graphql
  fragment SyncMailingAddress on MailingAddress {
    firstName
    lastName
    name
    company
    address1
    address2
    city
    province
    provinceCode
    country
    countryCodeV2
    zip
    phone
    latitude
    longitude
  }
`;
