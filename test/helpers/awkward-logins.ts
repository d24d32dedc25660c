/** Logins (and an Okta id) an operator may hand a resync trigger: [what, as typed, as queued (trimmed)]. */
export const AWKWARD_LOGINS: ReadonlyArray<readonly [string, string, string]> = [
  ['an Okta id', '00u1abcdEFGH2345ijkl', '00u1abcdEFGH2345ijkl'],
  ['a login with +', 'ann+wfm@example.com', 'ann+wfm@example.com'],
  ['a login with %', 'ann%41@example.com', 'ann%41@example.com'],
  ['a login with /', 'ann/ops@example.com', 'ann/ops@example.com'],
  ['a login with quotes', `o'brien"x@example.com`, `o'brien"x@example.com`],
  ['a Unicode login', 'zoë.ñúñez@example.com', 'zoë.ñúñez@example.com'],
  ['a login in upper case', 'ANN.UPPER@EXAMPLE.COM', 'ANN.UPPER@EXAMPLE.COM'],
  ['a login with spaces around it', '  padded@example.com \t', 'padded@example.com'],
];
