import {
	checkJiraCredentials,
	JiraCredentialProblem,
	normaliseSiteUrl,
	tokenExpiry,
} from '../../nodes/Jira/transport/credentialChecks';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const valid = { siteUrl: 'https://acme.atlassian.net', email: 'admin@acme.example', apiToken: 'secret-token' };

describe('normaliseSiteUrl', () => {
	it.each([
		['https://acme.atlassian.net', 'https://acme.atlassian.net'],
		['https://acme.atlassian.net/', 'https://acme.atlassian.net'],
		['  https://acme.atlassian.net/jira/software/projects/ABC/boards/1 ', 'https://acme.atlassian.net'],
		['acme.atlassian.net', 'https://acme.atlassian.net'],
		['http://127.0.0.1:8401', 'http://127.0.0.1:8401'],
		['http://localhost:8401/', 'http://localhost:8401'],
		['https://jira.example.com', 'https://jira.example.com'],
	])('%s -> %s', (input, expected) => {
		expect(normaliseSiteUrl(input)).toBe(expected);
	});

	it.each(['http://acme.atlassian.net', 'ftp://acme.atlassian.net', '', 'https://'])('refuses %p naming the field', (input) => {
		expect(() => normaliseSiteUrl(input)).toThrow(JiraCredentialProblem);
		expect(() => normaliseSiteUrl(input)).toThrow(/Site URL/);
	});
});

describe('tokenExpiry', () => {
	it('is unknown when not recorded', () => {
		expect(tokenExpiry('', NOW)).toEqual({ state: 'unknown' });
	});

	it('is valid with 14 or more days left', () => {
		expect(tokenExpiry('2026-12-07', NOW)).toMatchObject({ state: 'valid', daysLeft: 14 });
	});

	it('warns with fewer than 14 days left', () => {
		expect(tokenExpiry('2026-12-06T00:00:00', NOW)).toMatchObject({ state: 'expiresSoon', daysLeft: 13, expiresOn: '2026-12-06' });
	});

	it('counts a bare date as valid through that day', () => {
		expect(tokenExpiry('2026-11-23', NOW)).toMatchObject({ state: 'expiresSoon', daysLeft: 0 });
	});

	it('is expired after the date', () => {
		expect(tokenExpiry('2026-11-22', NOW)).toMatchObject({ state: 'expired' });
	});
});

describe('checkJiraCredentials', () => {
	it('returns the base URL and expiry', () => {
		expect(checkJiraCredentials({ ...valid, expiresOn: '2027-06-01' }, NOW)).toMatchObject({
			baseUrl: 'https://acme.atlassian.net',
			expiry: { state: 'valid' },
		});
	});

	it('fails after expiry, saying how to fix it, without the token', () => {
		let message = '';
		try {
			checkJiraCredentials({ ...valid, expiresOn: '2026-01-01' }, NOW);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toMatch(/expired on 2026-01-01/);
		expect(message).toMatch(/create a new token/);
		expect(message).not.toContain('secret-token');
	});

	it('names empty fields', () => {
		expect(() => checkJiraCredentials({ ...valid, email: ' ' }, NOW)).toThrow(/^Email is empty/);
		expect(() => checkJiraCredentials({ ...valid, apiToken: '' }, NOW)).toThrow(/^API Token is empty/);
	});
});
