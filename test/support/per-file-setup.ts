import { inject } from 'vitest';
import { resetMoto } from './moto-server';

// Each test file starts from an empty moto, on the server that belongs to its worker.
const endpoints = inject('motoEndpoints');
const worker = Number(process.env.VITEST_POOL_ID ?? '1');
const endpoint = endpoints[(worker - 1) % endpoints.length];
if (!endpoint) throw new Error('no moto endpoint provided');

process.env.AWS_ENDPOINT_URL = endpoint;
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
process.env.POWERTOOLS_DEV = '';
await resetMoto(endpoint);
