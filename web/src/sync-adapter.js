// The one place the app names its sync client: swap the import to change implementations.
export { SyncClient } from './sync-interim.js';
