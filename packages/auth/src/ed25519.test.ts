import { ed25519 } from '@noble/curves/ed25519.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AuthError } from './auth-error.js'
import { toHex } from './bytes.js'
import { assertPublicKey, publicKeyOf, signEd25519, verifyEd25519 } from './ed25519.js'
import { hex } from './test-utils/hex.js'

// RFC 8032 §7.1, TEST 1, 2, 3 and SHA(abc).
const VECTORS = [
  {
    name: 'TEST 1 (empty message)',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    secret: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    public: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
]

const L = 2n ** 252n + 27742317777372353535851937790883648493n

function addL(signature: Uint8Array): Uint8Array {
  let s = 0n
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i] as number)
  s += L
  const out = Uint8Array.from(signature)
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn)
    s >>= 8n
  }
  return out
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof AuthError ? error.code : 'not an AuthError'
  }
  return undefined
}

describe('Ed25519 (RFC 8032 §7.1)', () => {
  for (const v of VECTORS) {
    it(`${v.name}: derives the public key, signs and verifies`, () => {
      expect(toHex(publicKeyOf(hex(v.secret)))).toBe(v.public)
      const signature = signEd25519(hex(v.message), hex(v.secret))
      expect(toHex(signature)).toBe(v.signature)
      expect(verifyEd25519(hex(v.signature), hex(v.message), hex(v.public))).toBe(true)
    })
    it(`${v.name}: refuses a flipped bit and S + L (non-canonical S)`, () => {
      const sig = hex(v.signature)
      const flipped = Uint8Array.from(sig)
      flipped[0] = (flipped[0] as number) ^ 1
      expect(verifyEd25519(flipped, hex(v.message), hex(v.public))).toBe(false)
      const nonCanonical = addL(sig)
      // the same equation holds for S + L; only the strict range check refuses it
      expect(verifyEd25519(nonCanonical, hex(v.message), hex(v.public))).toBe(false)
    })
  }

  it('refuses every small-order public key', () => {
    const smallOrder = [
      '0100000000000000000000000000000000000000000000000000000000000000', // identity, order 1
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
      '0000000000000000000000000000000000000000000000000000000000000000', // order 4
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
      '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
      '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
    ]
    for (const key of smallOrder) expect(codeOf(() => assertPublicKey(hex(key))), key).toBe('ERR_KEY_SMALL_ORDER')
  })

  it('refuses a non-canonical key encoding (y = p + 1) and wrong lengths', () => {
    expect(codeOf(() => assertPublicKey(hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')))).toBe('ERR_KEY_INVALID')
    expect(codeOf(() => assertPublicKey(new Uint8Array(31)))).toBe('ERR_KEY_INVALID')
    expect(codeOf(() => signEd25519(new Uint8Array(1), new Uint8Array(31)))).toBe('ERR_KEY_INVALID')
  })

  it('a signature verifies for its message only (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (seed, message, other) => {
        const publicKey = ed25519.getPublicKey(seed)
        const signature = signEd25519(message, seed)
        expect(verifyEd25519(signature, message, publicKey)).toBe(true)
        const changed = new Uint8Array([...message, ...other])
        expect(verifyEd25519(signature, changed, publicKey)).toBe(false)
      }),
      { numRuns: 50 },
    )
  })
})
