import type { IAuthenticationProvider, SdkManager } from '@aps_sdk/autodesk-sdkmanager';
import { describe, expectTypeOf, it } from 'vitest';
import { ssaAuthenticationProvider } from '../src/index.js';
import type { SdkManagerLike, SsaAuthenticationProvider } from '../src/index.js';

describe('public types', () => {
  it("is assignable to Autodesk's IAuthenticationProvider, and takes its SdkManager", () => {
    const auth = ssaAuthenticationProvider({ scopes: ['data:read'] });
    expectTypeOf(auth).toEqualTypeOf<SsaAuthenticationProvider>();
    expectTypeOf(auth).toExtend<IAuthenticationProvider>();
    expectTypeOf<SdkManager>().toExtend<SdkManagerLike>();
  });

  it('rejects unknown options at compile time too', () => {
    // @ts-expect-error `scope` is not an option (`scopes` is)
    ssaAuthenticationProvider({ scope: ['data:read'] });
  });
});
