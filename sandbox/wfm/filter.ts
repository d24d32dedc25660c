// SCIM filter parser (RFC 7644 section 3.4.2.2). Operators and attribute names are
// case-insensitive; `and` binds tighter than `or`; `not` must be followed by a parenthesised
// filter; string literals are JSON strings. Anything else is a 400 invalidFilter.
import { scimFail } from './http-io';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompValue = string | number | boolean | null;
/** `urn` is the schema URN prefix if the path had one; `name` then optional `sub`. */
export type AttrPath = { urn?: string; name: string; sub?: string; raw: string };

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: CompValue }
  /** `attr[filter]`: some element of the multi-valued attr matches the inner filter. */
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

type Token = { type: 'word' | 'string' | '(' | ')' | '[' | ']'; text: string; at: number };

const OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const WORD = /[A-Za-z0-9_:.$+-]/;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const ATTR_NAME = /^\$?[A-Za-z][A-Za-z0-9_$-]*$/;

const invalid = (detail: string) => scimFail(400, `Invalid filter: ${detail}`, 'invalidFilter');

const tokenize = (input: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (c === ' ' || c === '\t') {
      i += 1;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c, text: c, at: i });
      i += 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < input.length && input.charAt(j) !== '"') j += input.charAt(j) === '\\' ? 2 : 1;
      if (j >= input.length) throw invalid(`unterminated string at ${i}`);
      const raw = input.slice(i, j + 1);
      let text: unknown;
      try {
        text = JSON.parse(raw);
      } catch {
        throw invalid(`bad escape in string at ${i}`);
      }
      tokens.push({ type: 'string', text: String(text), at: i });
      i = j + 1;
    } else if (WORD.test(c)) {
      let j = i;
      while (j < input.length && WORD.test(input.charAt(j))) j += 1;
      tokens.push({ type: 'word', text: input.slice(i, j), at: i });
      i = j;
    } else {
      throw invalid(`unexpected character '${c}' at ${i}`);
    }
  }
  return tokens;
};

export const parseAttrPath = (raw: string): AttrPath => {
  let urn: string | undefined;
  let rest = raw;
  if (raw.toLowerCase().startsWith('urn:')) {
    const cut = raw.lastIndexOf(':');
    urn = raw.slice(0, cut);
    rest = raw.slice(cut + 1);
    if (urn.split(':').length < 3) throw invalid(`bad schema URN in '${raw}'`);
  }
  const parts = rest.split('.');
  const [name, sub] = parts;
  if (parts.length > 2 || !name || !ATTR_NAME.test(name) || (sub !== undefined && !ATTR_NAME.test(sub))) {
    throw invalid(`bad attribute path '${raw}'`);
  }
  return { ...(urn ? { urn } : {}), name, ...(sub !== undefined ? { sub } : {}), raw };
};

const parseValue = (tok: Token | undefined): CompValue => {
  if (!tok) throw invalid('a comparison value is missing');
  if (tok.type === 'string') return tok.text;
  if (tok.type !== 'word') throw invalid(`expected a value at ${tok.at}`);
  // JSON literals are lower case (RFC 7159).
  if (tok.text === 'true') return true;
  if (tok.text === 'false') return false;
  if (tok.text === 'null') return null;
  if (NUMBER.test(tok.text)) return Number(tok.text);
  throw invalid(`'${tok.text}' is not a value (strings need double quotes)`);
};

export const parseFilter = (input: string): FilterNode => {
  if (input.trim() === '') throw invalid('the filter is empty');
  if (input.length > 4096) throw invalid('the filter is too long');
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token | undefined => tokens[pos++];
  const isWord = (tok: Token | undefined, word: string): boolean => tok?.type === 'word' && tok.text.toLowerCase() === word;
  const expect = (type: Token['type']): Token => {
    const tok = next();
    if (tok?.type !== type) throw invalid(tok ? `expected '${type}' at ${tok.at}` : `expected '${type}' at the end`);
    return tok;
  };

  const parseOr = (inBrackets: boolean): FilterNode => {
    let left = parseAnd(inBrackets);
    while (isWord(peek(), 'or')) {
      pos += 1;
      left = { kind: 'or', left, right: parseAnd(inBrackets) };
    }
    return left;
  };
  const parseAnd = (inBrackets: boolean): FilterNode => {
    let left = parseUnary(inBrackets);
    while (isWord(peek(), 'and')) {
      pos += 1;
      left = { kind: 'and', left, right: parseUnary(inBrackets) };
    }
    return left;
  };
  const parseUnary = (inBrackets: boolean): FilterNode => {
    const tok = peek();
    if (isWord(tok, 'not')) {
      pos += 1;
      if (peek()?.type !== '(') throw invalid("'not' must be followed by a parenthesised filter");
      return { kind: 'not', expr: parseUnary(inBrackets) };
    }
    if (tok?.type === '(') {
      pos += 1;
      const inner = parseOr(inBrackets);
      expect(')');
      return inner;
    }
    return parseAttrExp(inBrackets);
  };
  const parseOperation = (path: AttrPath): FilterNode => {
    const opTok = next();
    if (opTok?.type !== 'word') throw invalid(`an operator is missing after '${path.raw}'`);
    const op = opTok.text.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!OPS.has(op)) throw invalid(`unknown operator '${opTok.text}'`);
    return { kind: 'compare', path, op: op as CompareOp, value: parseValue(next()) };
  };
  const parseAttrExp = (inBrackets: boolean): FilterNode => {
    const tok = next();
    if (tok?.type !== 'word') throw invalid(tok ? `expected an attribute at ${tok.at}` : 'unexpected end of filter');
    const path = parseAttrPath(tok.text);
    if (peek()?.type !== '[') return parseOperation(path);
    if (inBrackets) throw invalid('nested value filters are not allowed');
    if (path.sub !== undefined) throw invalid(`'${path.raw}[...]' must name a multi-valued attribute`);
    pos += 1;
    const inner = parseOr(true);
    expect(']');
    const after = peek();
    // `emails[type eq "work"].value eq "x"`: a common extension of the RFC grammar.
    if (after?.type === 'word' && after.text.startsWith('.')) {
      pos += 1;
      const sub = after.text.slice(1);
      if (!ATTR_NAME.test(sub)) throw invalid(`bad sub-attribute '${after.text}'`);
      const subPath: AttrPath = { name: sub, raw: sub };
      return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: parseOperation(subPath) } };
    }
    return { kind: 'valuePath', path, filter: inner };
  };

  const tree = parseOr(false);
  const rest = peek();
  if (rest) throw invalid(`unexpected '${rest.text}' at ${rest.at}`);
  return tree;
};
