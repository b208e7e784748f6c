/** The name every pooltune session shows in pg_stat_activity while it works. */
export const SESSION_APPLICATION_NAME = 'pooltune';
