// Copies what tsc does not emit into dist: node and credential icons, codex files (*.node.json)
// and the workflow templates that index.js catalogues.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src(['icons/**/*.{png,svg}', 'nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function copyTemplates() {
	return src('templates/**/*.json', { base: '.', allowEmpty: true }).pipe(dest('dist'));
}

exports.build = parallel(copyIcons, copyCodex, copyTemplates);
exports.default = exports.build;
