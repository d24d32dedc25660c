import { parseIso } from './time';

/** Okta's SCIM-like filter language: `attr op "value"`, `attr pr`, and/or/not, parentheses. */
export const COMPARE_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'ew'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'cmp'; attr: string; op: CompareOp; value: FilterValue }
  | { kind: 'pr'; attr: string };

export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

type Token = { type: 'word'; text: string } | { type: 'string'; text: string } | { type: '(' } | { type: ')' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c });
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input.charAt(i) !== '"') {
        if (input.charAt(i) === '\\' && i + 1 < input.length) i++;
        text += input.charAt(i++);
      }
      if (i >= input.length) throw new FilterSyntaxError('Unterminated string literal');
      i++;
      tokens.push({ type: 'string', text });
    } else {
      let text = '';
      while (i < input.length && !/[\s()"]/.test(input.charAt(i))) text += input.charAt(i++);
      tokens.push({ type: 'word', text });
    }
  }
  return tokens;
}

const isOp = (word: string): word is CompareOp => (COMPARE_OPS as readonly string[]).includes(word);

export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.type === 'word' ? t.text.toLowerCase() : undefined;
  };
  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (peekWord() === 'and') {
      pos++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    const t = tokens[pos];
    if (!t) throw new FilterSyntaxError('Unexpected end of filter');
    if (t.type === '(') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.type !== ')') throw new FilterSyntaxError('Missing closing parenthesis');
      pos++;
      return inner;
    }
    if (t.type === 'word' && t.text.toLowerCase() === 'not') {
      pos++;
      return { kind: 'not', expr: parseUnary() };
    }
    if (t.type !== 'word') throw new FilterSyntaxError('Expected an attribute name');
    pos++;
    const opToken = tokens[pos];
    if (opToken?.type !== 'word') throw new FilterSyntaxError(`Expected an operator after ${t.text}`);
    const op = opToken.text.toLowerCase();
    pos++;
    if (op === 'pr') return { kind: 'pr', attr: t.text };
    if (!isOp(op)) throw new FilterSyntaxError(`Unknown operator ${opToken.text}`);
    const v = tokens[pos];
    if (!v || v.type === '(' || v.type === ')') throw new FilterSyntaxError(`Expected a value after ${op}`);
    pos++;
    return { kind: 'cmp', attr: t.text, op, value: v.type === 'string' ? v.text : literal(v.text) };
  };
  const node = parseOr();
  if (pos !== tokens.length) throw new FilterSyntaxError('Unexpected text after the expression');
  return node;
}

function literal(word: string): FilterValue {
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  const n = Number(word);
  if (word.trim() !== '' && !Number.isNaN(n)) return n;
  throw new FilterSyntaxError(`Invalid value ${word}: string values must be quoted`);
}

/** Which attributes and operators a given endpoint accepts. */
export type FilterRules = {
  /** The operators allowed for an attribute, or undefined when the attribute is not filterable. */
  opsFor(attr: string): readonly (CompareOp | 'pr')[] | undefined;
  allowNot: boolean;
};

/** Throws FilterSyntaxError for an attribute, operator or construct the endpoint does not support. */
export function checkFilter(node: FilterNode, rules: FilterRules): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      checkFilter(node.left, rules);
      checkFilter(node.right, rules);
      return;
    case 'not':
      if (!rules.allowNot) throw new FilterSyntaxError('The not operator is not supported');
      checkFilter(node.expr, rules);
      return;
    default: {
      const ops = rules.opsFor(node.attr);
      if (!ops) throw new FilterSyntaxError(`Unsupported attribute ${node.attr}`);
      const op = node.kind === 'pr' ? 'pr' : node.op;
      if (!ops.includes(op)) throw new FilterSyntaxError(`Operator ${op} is not supported for ${node.attr}`);
    }
  }
}

export type EvalOptions = {
  /** Candidate values of an attribute (arrays match when any element matches). */
  get(attr: string): unknown[];
  isDate(attr: string): boolean;
  caseInsensitive: boolean;
};

export function evaluateFilter(node: FilterNode, opts: EvalOptions): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, opts) && evaluateFilter(node.right, opts);
    case 'or':
      return evaluateFilter(node.left, opts) || evaluateFilter(node.right, opts);
    case 'not':
      return !evaluateFilter(node.expr, opts);
    case 'pr':
      return opts.get(node.attr).some((v) => v !== null && v !== undefined && v !== '');
    case 'cmp':
      return opts.get(node.attr).some((v) => compare(v, node, opts));
  }
}

function compare(actual: unknown, node: { attr: string; op: CompareOp; value: FilterValue }, opts: EvalOptions): boolean {
  const { op, value } = node;
  if (opts.isDate(node.attr) && typeof value === 'string') {
    const want = parseIso(value);
    if (want === undefined) throw new FilterSyntaxError(`Invalid date ${value}`);
    if (typeof actual !== 'number') return op === 'ne';
    return ordered(actual - want, op);
  }
  if (value === null || typeof value === 'boolean') {
    if (op === 'eq') return actual === value || (value === null && actual === undefined);
    if (op === 'ne') return !(actual === value || (value === null && actual === undefined));
    return false;
  }
  if (typeof value === 'number') return typeof actual === 'number' ? ordered(actual - value, op) : op === 'ne';
  if (typeof actual !== 'string') return op === 'ne';
  const a = opts.caseInsensitive ? actual.toLowerCase() : actual;
  const b = opts.caseInsensitive ? value.toLowerCase() : value;
  if (op === 'sw') return a.startsWith(b);
  if (op === 'ew') return a.endsWith(b);
  if (op === 'co') return a.includes(b);
  return ordered(a < b ? -1 : a > b ? 1 : 0, op);
}

function ordered(diff: number, op: CompareOp): boolean {
  switch (op) {
    case 'eq': return diff === 0;
    case 'ne': return diff !== 0;
    case 'gt': return diff > 0;
    case 'ge': return diff >= 0;
    case 'lt': return diff < 0;
    case 'le': return diff <= 0;
    default: return false;
  }
}
