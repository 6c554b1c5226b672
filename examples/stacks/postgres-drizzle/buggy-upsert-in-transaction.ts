// rtc-sim's glue: the app and its migration, as production runs them (the db module reads DATABASE_URL).
import { app } from './app-buggy.ts';
import { migrate } from './db/migrate.ts';

export const setup = migrate;
export const createBackend = () => app;
