// Type-checks examples as modules of their package: each example becomes a virtual file
// `packages/<name>/examples/<n>.ts` (so it resolves the package's own name and its dependencies as a
// user's code would), compiled together with the repository's strict base tsconfig.
//
// A TSDoc example documents one symbol, so it may use the names that its package exports (from
// `@orrery/<name>` and `@orrery/<name>/internal`) and that its own file exports without importing
// them; anything else it imports or declares itself. A README example is a complete module.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'
import type { Example } from './extract.js'

/** One compile error of an example, located in the file the example is written in. */
export interface ExampleError {
  readonly example: Example
  /** The 1-based line in the example's file. */
  readonly line: number
  readonly message: string
}

interface ExportedName {
  readonly name: string
  readonly isType: boolean
}

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
}

function bindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text)
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into)
}

/** The names a module exports, read from its syntax (named exports only, as the conventions require). */
export function exportedNames(path: string): ExportedName[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest)
  const names: ExportedName[] = []
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        names.push({ name: element.name.text, isType: statement.isTypeOnly || element.isTypeOnly })
      }
      continue
    }
    if (!hasExportModifier(statement)) continue
    if (ts.isVariableStatement(statement)) {
      const declared = new Set<string>()
      for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, declared)
      for (const name of declared) names.push({ name, isType: false })
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      names.push({ name: statement.name.text, isType: true })
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.push({ name: statement.name.text, isType: false })
    }
  }
  return names
}

/** The names a block of code declares or imports at its top level. */
export function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest)
  const names = new Set<string>()
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names)
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text)
    } else if (ts.isImportDeclaration(statement) && statement.importClause !== undefined) {
      const clause = statement.importClause
      if (clause.name) names.add(clause.name.text)
      const bindings = clause.namedBindings
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text)
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text)
    }
  }
  return names
}

function importLine(names: readonly ExportedName[], from: string): string {
  if (names.length === 0) return ''
  return `import { ${names.map((n) => (n.isType ? `type ${n.name}` : n.name)).join(', ')} } from '${from}'; `
}

/** The implicit imports of a TSDoc example: its own file's exports, then its package's entry points. */
function preludeOf(root: string, example: Example, virtualPath: string): string {
  if (example.kind === 'readme') return ''
  const taken = declaredNames(example.code)
  const manifest = JSON.parse(readFileSync(join(root, example.packageDir, 'package.json'), 'utf8')) as { name: string }
  const own = join(root, example.file)
  let ownSpecifier = relative(dirname(virtualPath), own).replace(/\.ts$/, '.js')
  if (!ownSpecifier.startsWith('.')) ownSpecifier = `./${ownSpecifier}`
  const sources: [string, string][] = [
    [own, ownSpecifier],
    [join(root, example.packageDir, 'src/index.ts'), manifest.name],
  ]
  const internal = join(root, example.packageDir, 'src/internal.ts')
  if (existsSync(internal)) sources.push([internal, `${manifest.name}/internal`])
  let prelude = ''
  for (const [path, specifier] of sources) {
    const names = exportedNames(path).filter((n) => !taken.has(n.name))
    for (const n of names) taken.add(n.name)
    prelude += importLine(names, specifier)
  }
  // The prelude shares the example's first line, so that error lines map one to one.
  return prelude
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tooling/typescript/tsconfig.base.json')
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path))
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, { noEmit: true }, configPath)
  return parsed.options
}

/**
 * Type-checks every example in one program.
 * @returns the compile errors, each located in the example's own file
 */
export function compileExamples(root: string, examples: readonly Example[]): ExampleError[] {
  const options = compilerOptions(root)
  const virtual = new Map<string, { text: string; example: Example }>()
  examples.forEach((example, i) => {
    const path = join(root, example.packageDir, 'examples', `example-${i}.ts`)
    const text = `${preludeOf(root, example, path)}${example.code}\nexport {}\n`
    virtual.set(path, { text, example })
  })
  const host = ts.createCompilerHost(options, true)
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (path) => virtual.has(path) || fileExists.call(host, path)
  host.readFile = (path) => virtual.get(path)?.text ?? readFile.call(host, path)
  host.getSourceFile = (path, language, onError, shouldCreate) => {
    const entry = virtual.get(path)
    if (entry !== undefined) return ts.createSourceFile(path, entry.text, language, true)
    return getSourceFile.call(host, path, language, onError, shouldCreate)
  }
  host.getCurrentDirectory = () => root
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host })
  const errors: ExampleError[] = []
  for (const [path, { example }] of virtual) {
    const source = program.getSourceFile(path)
    if (source === undefined) throw new Error(`${path} was not compiled`)
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    for (const diagnostic of diagnostics) {
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      errors.push({ example, line: example.line + line, message: `TS${diagnostic.code}: ${message}` })
    }
  }
  return errors
}
