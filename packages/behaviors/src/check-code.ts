import { type Node, parse } from 'acorn'
import { BehaviorError } from './behavior-error.js'
import { type CodeLimits, DEFAULT_CODE_LIMITS } from './limits.js'

/** What the upload checks measured of a script that passed them. */
export interface CodeReport {
  /** Cyclomatic complexity: 1 + every branch (if, ?:, case, loop, catch, &&, ||, ??). */
  readonly complexity: number
  /** Syntax nodes in the script. */
  readonly nodes: number
}

/** The syntax a behaviour may use: plain functions, data, loops and branches (acorn's ESTree node types). */
const ALLOWED_NODES: ReadonlySet<string> = new Set([
  'Program', 'ExpressionStatement', 'BlockStatement', 'EmptyStatement', 'ReturnStatement', 'BreakStatement',
  'ContinueStatement', 'IfStatement', 'SwitchStatement', 'SwitchCase', 'ThrowStatement', 'TryStatement',
  'CatchClause', 'WhileStatement', 'DoWhileStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement',
  'LabeledStatement', 'FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'VariableDeclaration',
  'VariableDeclarator', 'ThisExpression', 'ArrayExpression', 'ObjectExpression', 'Property', 'UnaryExpression',
  'UpdateExpression', 'BinaryExpression', 'AssignmentExpression', 'LogicalExpression', 'MemberExpression',
  'ChainExpression', 'ConditionalExpression', 'CallExpression', 'NewExpression', 'SequenceExpression',
  'TemplateLiteral', 'TemplateElement', 'SpreadElement', 'RestElement', 'ArrayPattern', 'ObjectPattern',
  'AssignmentPattern', 'Identifier', 'Literal',
])

/** Names a behaviour may not mention: ways to build code at run time, reflection, and GC-dependent (nondeterministic) objects. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  'eval', 'Function', 'AsyncFunction', 'GeneratorFunction', 'Proxy', 'Reflect', 'WeakRef', 'FinalizationRegistry',
  'SharedArrayBuffer', 'Atomics', 'globalThis', 'constructor', '__proto__', '__defineGetter__', '__defineSetter__',
  '__lookupGetter__', '__lookupSetter__',
])

const BRANCHES: ReadonlySet<string> = new Set([
  'IfStatement', 'ConditionalExpression', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement',
  'DoWhileStatement', 'CatchClause',
])

function where(node: Node): string {
  const start = node.loc?.start
  return start === undefined ? '' : `line ${start.line}, column ${start.column + 1}: `
}

function forbid(node: Node, what: string): never {
  throw new BehaviorError('ERR_FORBIDDEN_FEATURE', `${where(node)}${what} is not allowed in a behaviour`)
}

const NODE_NAMES: Readonly<Record<string, string>> = {
  ImportExpression: 'import()',
  ImportDeclaration: 'import',
  ExportNamedDeclaration: 'export',
  ExportDefaultDeclaration: 'export',
  WithStatement: 'with',
  DebuggerStatement: 'debugger',
  MetaProperty: 'new.target / import.meta',
  ClassDeclaration: 'a class',
  ClassExpression: 'a class',
  AwaitExpression: 'await',
  YieldExpression: 'yield',
  TaggedTemplateExpression: 'a tagged template',
}

/** The feature a node uses that the allow-list refuses, or null. */
function refusal(node: Node & Record<string, unknown>): string | null {
  if (!ALLOWED_NODES.has(node.type)) return NODE_NAMES[node.type] ?? node.type
  if (node.async === true) return 'an async function'
  if (node.generator === true) return 'a generator'
  if (node.type === 'Identifier' && FORBIDDEN_NAMES.has(node.name as string)) return `'${node.name as string}'`
  if (node.type === 'Literal' && typeof node.value === 'string' && FORBIDDEN_NAMES.has(node.value)) return `the string '${node.value}'`
  if (node.type === 'ForOfStatement' && node.await === true) return 'for await'
  return null
}

function children(node: Record<string, unknown>, out: Node[]): void {
  for (const key in node) {
    if (key === 'loc' || key === 'type') continue
    const value = node[key]
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === 'object' && typeof item.type === 'string') out.push(item as Node)
    } else if (value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      out.push(value as Node)
    }
  }
}

function parseScript(code: string): Node {
  try {
    return parse(code, { ecmaVersion: 2022, sourceType: 'script', locations: true, allowReturnOutsideFunction: false })
  } catch (error) {
    // acorn is recursive: it refuses thousands of nested brackets before they overflow the stack.
    if (error instanceof SyntaxError && !error.message.startsWith('Not enough stack space')) {
      throw new BehaviorError('ERR_SYNTAX', error.message, { cause: error })
    }
    throw new BehaviorError('ERR_TOO_COMPLEX', 'the script nests too deeply to be checked', { cause: error })
  }
}

/**
 * Checks a behaviour script before it is stored: its length, its syntax (an ECMAScript 2022 script),
 * an allow-list of language features (no `import`, `eval`, `Function`, `with`, async code,
 * generators, classes, `Proxy`, `Reflect`, `globalThis`, `constructor`, `__proto__`...), and that it
 * declares `function tick(view)` at the top level. The sandbox is the isolation boundary; this check
 * turns what it would refuse or what would make a script nondeterministic into a clear error on upload.
 *
 * @param code - the script source
 * @param limits - `maxCodeLength` (UTF-16 code units, default 16 384), `maxNodes` (default 5000)
 * @returns the measured complexity and size, see {@link CodeReport}
 * @throws BehaviorError `ERR_CODE_TOO_LARGE`, `ERR_SYNTAX`, `ERR_FORBIDDEN_FEATURE` (with line and column),
 *   `ERR_NO_TICK_FUNCTION`, `ERR_TOO_COMPLEX`
 * @example
 * checkBehaviorCode('function tick(view) { return { dirX: 1, dirY: 0 } }').complexity // 1
 */
export function checkBehaviorCode(code: string, limits: Partial<CodeLimits> = {}): CodeReport {
  const { maxCodeLength, maxNodes } = { ...DEFAULT_CODE_LIMITS, ...limits }
  if (typeof code !== 'string') throw new BehaviorError('ERR_SYNTAX', 'the code must be a string')
  if (code.length > maxCodeLength) {
    throw new BehaviorError('ERR_CODE_TOO_LARGE', `the code is ${code.length} characters long, more than the limit of ${maxCodeLength}`)
  }
  const program = parseScript(code)
  let nodes = 0
  let complexity = 1
  const stack: Node[] = [program]
  while (stack.length > 0) {
    const node = stack.pop() as Node & Record<string, unknown>
    nodes++
    if (nodes > maxNodes) throw new BehaviorError('ERR_TOO_COMPLEX', `the script has more than ${maxNodes} syntax nodes`)
    const refused = refusal(node)
    if (refused !== null) forbid(node, refused)
    if (BRANCHES.has(node.type) || (node.type === 'SwitchCase' && node.test !== null)) complexity++
    if (node.type === 'LogicalExpression') complexity++
    children(node, stack)
  }
  const body = (program as unknown as { body: Array<Node & { id?: { name?: string } }> }).body
  if (!body.some((s) => s.type === 'FunctionDeclaration' && s.id?.name === 'tick')) {
    throw new BehaviorError('ERR_NO_TICK_FUNCTION', 'a behaviour declares `function tick(view) { ... }` at the top level')
  }
  return { complexity, nodes }
}
