import { holdsSent } from '../../mappers/scim-merge';

describe('holdsSent: spacing inside a value, one way', () => {
  it.each<[string, string | undefined, string | undefined, boolean]>([
    ['the WFM stored the doubled space as one', 'Ann Marie', 'Ann  Marie', true],
    ['the WFM stored a no-break space as a space', 'Jean Luc', 'Jean\u00a0Luc', true],
    ['the WFM stored an em space and a space as one', 'Billing East', 'Billing \u2003 East', true],
    ['Okta corrected the spacing: the WFM still holds the old one, so it is written', 'Ann  Marie', 'Ann Marie', false],
    ['Okta changed a no-break space to a space: written', 'Jean\u00a0Luc', 'Jean Luc', false],
    ['the same value', 'Ann  Marie', 'Ann  Marie', true],
    ['surrounding spaces, as before', ' Ann ', 'Ann', true],
    ['a different value', 'Ann Maria', 'Ann  Marie', false],
    ['absent and empty are the same', undefined, '  ', true],
  ])('%s', (_name, held, sent, same) => {
    expect(holdsSent('name.givenName', held, sent)).toBe(same);
  });
});
