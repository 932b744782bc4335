'use strict';
// Package entry point: a static catalogue of the workflow templates shipped in dist/templates.
// n8n loads the nodes and credentials listed in package.json "n8n"; this file is for people and
// tools that want to find the templates (file, workflow id, what it does).
module.exports = {
	templates: [],
};
