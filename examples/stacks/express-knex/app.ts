import express, { type ErrorRequestHandler, type Router } from 'express';

export function createApp(keys: Router) {
  const app = express();
  app.disable('x-powered-by');
  app.use('/api/documents', keys);

  // Express 5 passes a rejected async handler here: log it, answer a 500 without the details.
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    console.error(`${req.method} ${req.originalUrl} failed:`, error);
    res.status(500).json({ error: 'internal error' });
  };
  app.use(onError);
  return app;
}
