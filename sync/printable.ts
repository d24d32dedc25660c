// Values come from Okta and the WFM: a control character (an escape sequence, a carriage return)
// must not reach a terminal, where it could clear the screen or forge a line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text safe for a terminal: control characters shown as `?`. */
export const safe = (text: string): string => text.replace(CONTROL, '?');
