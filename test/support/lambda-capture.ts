import { createServer, type Server } from 'node:http';

export interface CapturedInvoke {
  functionName: string;
  invocationType: string | undefined;
  payload: unknown;
}

/**
 * Stands in for the Lambda service's Invoke API on loopback (moto would need Docker to run a function):
 * records each invocation as the SDK sent it and answers like Lambda does for asynchronous invocations.
 */
export async function startLambdaCapture(): Promise<{
  endpoint: string;
  invokes: CapturedInvoke[];
  stop(): Promise<void>;
}> {
  const invokes: CapturedInvoke[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match?.[1]) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Type: 'User', message: 'not an Invoke call' }));
      return;
    }
    const invocationType = req.headers['x-amz-invocation-type'];
    invokes.push({
      functionName: decodeURIComponent(match[1]),
      invocationType: typeof invocationType === 'string' ? invocationType : undefined,
      payload: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
    });
    res.writeHead(invocationType === 'Event' ? 202 : 200, { 'content-type': 'application/json' });
    res.end(invocationType === 'Event' ? '' : 'null');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('capture server did not bind');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    invokes,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
