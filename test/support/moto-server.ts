export { type MotoServer, resetMoto, startMoto } from '../../src/local/moto';
