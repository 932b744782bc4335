#!/usr/bin/env node
// `npm start` will build the package, start the Jira and ESM emulators and a real n8n with the
// package, credentials and templates (issue #7). Until the sandbox lands it says so plainly.
'use strict';
console.error(
	[
		'npm start is not available yet: the sandbox emulators and the real-n8n launcher arrive with issue #7.',
		'Meanwhile `npm test` builds the package and runs every node through the real n8n engine in-process.',
	].join('\n'),
);
process.exit(1);
