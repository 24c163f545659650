import { bundleLambdas } from './bundle';

for (const bundle of await bundleLambdas()) {
  console.log(`${bundle.name}: ${bundle.file} (${bundle.bytes} bytes)`);
}
