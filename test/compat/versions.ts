/**
 * The n8n versions the compatibility run (npm run compat) proves the package on, and how each version's Community
 * Nodes installer puts a package in place. README.md "Compatibility" states the supported range from these.
 */
export type Installer =
	/** n8n 1.88 and older: `npm init -y` once, then a plain `npm install <package>` in ~/.n8n/nodes (peers included). */
	| 'npm-install'
	/** n8n 1.89 and newer: the package extracted, dev/peer/optional dependencies dropped, `npm install` inside it. */
	| 'extract';

export interface CompatTarget {
	n8nVersion: string;
	/** Node.js major the version runs on here: 1.x on the system Node 20, 2.x on Node 24 (its engines minimum). */
	nodeMajor: 20 | 24;
	installer: Installer;
	/** Why this version is in the run. */
	why: string;
}

export const COMPAT_TARGETS: CompatTarget[] = [
	{
		n8nVersion: '1.60.1',
		nodeMajor: 20,
		installer: 'npm-install',
		why: 'oldest supported: n8n-workflow 1.59 has no NodeConnectionTypes, and its installer runs a plain npm install',
	},
	{ n8nVersion: '1.123.81', nodeMajor: 20, installer: 'extract', why: 'the last 1.x line' },
	{ n8nVersion: '2.41.1', nodeMajor: 24, installer: 'extract', why: 'the newest 2.x installable here' },
];

/** A version outside the list (npm run compat -- 1.70.0): installed the way its own installer would. */
export function adHocTarget(n8nVersion: string): CompatTarget {
	const [major, minor] = n8nVersion.split('.').map(Number);
	if (!(major === 1 || major === 2) || !Number.isInteger(minor)) throw new Error(`not an n8n 1.x or 2.x version: ${n8nVersion}`);
	return {
		n8nVersion,
		nodeMajor: major === 1 ? 20 : 24,
		installer: major === 1 && minor <= 88 ? 'npm-install' : 'extract',
		why: 'ad hoc (not in the supported list)',
	};
}
