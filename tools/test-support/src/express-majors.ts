/// <reference path="./express4.d.ts" />
import express5 from 'express';
import express4 from 'express4';

/** Express 5 and 4, for `describe.each`: the adapters must not rely on Express 5's promise handling. */
export const EXPRESS_MAJORS = [
  ['Express 5', express5],
  ['Express 4', express4],
] as const;
