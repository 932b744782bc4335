/** The sync nodes read time here, so that tests can move it (auto-clear hours, watermarks). */
export const syncClock = {
	now: (): Date => new Date(),
};
