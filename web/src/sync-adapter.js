// The one place the app names its sync client (web/src/sync/client.js): the client
// and the rules request it builds from the synced state exactly as the server does.
export { SyncClient, cartRequest } from './sync/client.js';
