/** Composition root of a worker process alone (`npm run start:worker`). */
import { main } from './main';

void main(process.argv.slice(2), 'worker');
