// The `express4` alias (npm:express@4) has no types of its own; the tests use only what Express 5's types describe.
declare module 'express4' {
  import express from 'express';
  export default express;
}
