import { describe, expect, it } from 'vitest';
import { describeUrl, isResetLink, mayLoad, mayNavigate } from '../../src/console/allow-list';

describe('pages the browser may open', () => {
  it.each([
    'https://signin.aws.amazon.com/signin?redirect_uri=x',
    'https://eu-central-1.signin.aws.amazon.com/oauth',
    'https://console.aws.amazon.com/console/home',
    'https://us-gov-west-1.console.aws.amazon.com/billing/home',
    'https://portal.aws.amazon.com/billing/signup?client=organizations&enforcePI=True',
    'about:blank',
  ])('opens %s', (url) => expect(mayNavigate(url)).toBe(true));

  it.each([
    ['another site', 'https://example.com/'],
    ['a look-alike host', 'https://signin.aws.amazon.com.evil.example/'],
    ['a host that only ends like AWS', 'https://evilsignin.aws.amazon.com/'],
    ['plain HTTP', 'http://signin.aws.amazon.com/'],
    ['another port', 'https://signin.aws.amazon.com:8443/'],
    ['AWS marketing pages', 'https://aws.amazon.com/free'],
    ['a CAPTCHA image host as a page', 'https://opfcaptcha-prod.s3.amazonaws.com/x.jpg'],
    ['a file', 'file:///etc/passwd'],
    ['script', 'javascript:alert(1)'],
    ['not a URL', 'signin.aws.amazon.com'],
  ])('refuses %s', (_what, url) => expect(mayNavigate(url)).toBe(false));
});

describe('parts a page may load', () => {
  it('allows the page hosts, the CAPTCHA images, AWS static files and in-memory data', () => {
    expect(mayLoad('https://us-east-1.signin.aws.amazon.com/captcha/image?c=1')).toBe(true);
    expect(mayLoad('https://opfcaptcha-prod.s3.amazonaws.com/abc.jpg')).toBe(true);
    expect(mayLoad('https://a0.awsstatic.com/libra-css/x.css')).toBe(true);
    expect(mayLoad('data:image/png;base64,AAAA')).toBe(true);
  });
  it('refuses everything else, other S3 buckets included', () => {
    expect(mayLoad('https://attacker-bucket.s3.amazonaws.com/x.js')).toBe(false);
    expect(mayLoad('https://www.google-analytics.com/collect')).toBe(false);
    expect(mayLoad('wss://signin.aws.amazon.com/socket')).toBe(false);
  });
});

describe('reset links', () => {
  it('takes the sign-in host’s reset page only', () => {
    expect(isResetLink('https://signin.aws.amazon.com/resetpassword?type=RootUser&token=abc')).toBe(true);
    expect(isResetLink('https://us-west-2.signin.aws.amazon.com/resetpassword?token=abc')).toBe(true);
    expect(isResetLink('https://console.aws.amazon.com/resetpassword?token=abc')).toBe(false);
    expect(isResetLink('https://signin.aws.amazon.com/signin?token=abc')).toBe(false);
    expect(isResetLink('https://user:pw@signin.aws.amazon.com/resetpassword?token=abc')).toBe(false);
    expect(isResetLink('https://evil.example/resetpassword?token=abc')).toBe(false);
  });
  it('describes a URL without its query, where tokens live', () => {
    expect(describeUrl('https://signin.aws.amazon.com/resetpassword?type=RootUser&token=s3cr3t')).toBe(
      'https://signin.aws.amazon.com/resetpassword',
    );
  });
});
