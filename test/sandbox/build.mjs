// `npm run sandbox` compiles the sandbox only, and only the files that changed: TypeScript's transpiler turns each
// test/sandbox/**/*.ts into .build/sandbox/**/*.js (types are checked by `npm run typecheck`, not here). About a
// second the first time, nothing after; compiling every dev file first took ~35 s on two busy cores.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sandboxDir = dirname(fileURLToPath(import.meta.url));
const repo = resolve(sandboxDir, '../..');
const outDir = join(repo, '.build', 'sandbox');

const sources = (dir) =>
	readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
	);
const modifiedMs = (file) => {
	try {
		return statSync(file).mtimeMs;
	} catch {
		return -1;
	}
};

const stale = sources(sandboxDir)
	.map((source) => ({ source, output: join(outDir, relative(sandboxDir, source)).replace(/\.ts$/, '.js') }))
	.filter(({ source, output }) => modifiedMs(output) < modifiedMs(source));

if (stale.length > 0) {
	const ts = createRequire(join(repo, 'package.json'))('typescript');
	const { config } = ts.readConfigFile(join(repo, 'tsconfig.json'), ts.sys.readFile);
	const { options } = ts.convertCompilerOptionsFromJson({ ...config.compilerOptions, sourceMap: false }, repo);
	for (const { source, output } of stale) {
		const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: options, fileName: source });
		mkdirSync(dirname(output), { recursive: true });
		writeFileSync(output, outputText);
	}
}
