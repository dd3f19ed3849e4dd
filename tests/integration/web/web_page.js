// The end users' web page in a real browser (Debian's Chromium, headless,
// driven by playwright-core): plain HTTP redirects to HTTPS, security headers,
// login with a wrong and a right password, cookie flags, the level-1 page
// showing only what keygated lets this user see, a cross-site post refused,
// logout, and the lock-out after five failed logins. Screenshots of each page
// go to OUT. Usage: node web_page.js HTTP_URL HTTPS_URL USER PASSWORD OUT
const { chromium } = require('playwright-core');
const fs = require('fs');

const [httpUrl, base, user, password, out] = process.argv.slice(2);
const fail = (m) => { console.error('FAIL: ' + m); process.exit(1); };
const log = (m) => console.log('web: ' + m);

(async () => {
  fs.mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  // The router's certificate is self-signed (IOS's TP-self-signed): accepted
  // here as a user accepts it once in the browser.
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 420, height: 900 } });
  const page = await ctx.newPage();

  // ip http server: plain HTTP only redirects to HTTPS.
  let r = await page.goto(httpUrl);
  if (!page.url().startsWith(base)) fail('http did not redirect to https: ' + page.url());
  if (!page.url().endsWith('/login')) fail('no session: expected the login page, got ' + page.url());
  const h = r.headers();
  for (const [k, v] of Object.entries({
    'content-security-policy': "frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'strict-transport-security': 'max-age=',
  }))
    if (!(h[k] || '').includes(v)) fail(`header ${k} is "${h[k]}"`);
  await page.screenshot({ path: out + '/login.png', fullPage: true });
  log('http redirects to https; security headers present');

  // Keyboard only, as a user without a mouse would.
  const login = async (u, p) => {
    await page.getByLabel('Username', { exact: true }).fill(u);
    await page.getByLabel('Password', { exact: true }).fill(p);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await page.waitForLoadState('domcontentloaded');
  };
  await login(user, 'wrong-' + password);
  if (!(await page.textContent('body')).includes('Login invalid'))
    fail('a wrong password was not refused: ' + page.url() + ' ' + (await page.textContent('body')));
  await page.screenshot({ path: out + '/login-failed.png', fullPage: true });
  await login(user, password);
  if (new URL(page.url()).pathname !== '/') fail('login did not reach the home page: ' + page.url());
  const cookies = await ctx.cookies();
  const s = cookies.find((c) => c.name === 'kg_session');
  if (!s) fail('no session cookie');
  if (!s.secure || !s.httpOnly || s.sameSite !== 'Strict') fail('session cookie flags: ' + JSON.stringify(s));
  if (!(await page.textContent('header')).includes(user)) fail('the page does not name the user');
  await page.screenshot({ path: out + '/home.png', fullPage: true });
  log('login: wrong password refused, session cookie Secure HttpOnly SameSite=Strict');

  // What keygated shows this user: VPN status is granted at level 1 here.
  const vpn = await page.textContent('#vpn-status');
  if (vpn.includes('Invalid input')) fail('show crypto session was refused: ' + vpn);
  log('VPN status: ' + vpn.split('\n')[0]);

  // This user may not see the tokens (no `privilege exec level 1 show crypto
  // pki token` here): keygated refuses, the page says so and offers no PIN
  // form (t_web_token goes through the token forms).
  const tok = await page.textContent('#token-status');
  if (!tok.includes('Not permitted for this user')) fail('the token status is not refused: ' + tok);
  if (await page.getByLabel('Token PIN', { exact: true }).count()) fail('a PIN form without a token to act on');
  log('token status refused at this privilege level, no PIN form');

  // A form on another site that posts to the router: refused (no cookie goes
  // with it, and neither its origin nor its CSRF token is ours).
  const evil = await ctx.newPage();
  await evil.setContent(`<form method="post" action="${base}/token/login">
      <input name="token" value="usbtoken0"><input name="pin" value="1234"><input name="csrf" value="x">
      <button id="go">go</button></form>`);
  const [resp] = await Promise.all([evil.waitForNavigation(), evil.click('#go')]);
  if (resp.status() !== 403) fail('a cross-site post got ' + resp.status());
  await evil.close();
  // The same with the session cookie sent along (a script with the cookie
  // but not the page's token): refused too.
  const forged = await page.request.post(base + '/token/change-pin', {
    form: { token: 'usbtoken0', old: 'a', new: 'b', confirm: 'b', csrf: '0'.repeat(64) },
    headers: { Origin: base },
  });
  if (forged.status() !== 403) fail('a post without the CSRF token got ' + forged.status());
  log('cross-site and token-less posts refused');

  // Nothing beyond the page exists.
  r = await page.goto(base + '/admin');
  if (r.status() !== 404) fail('/admin answered ' + r.status());

  await page.goto(base + '/');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForLoadState('domcontentloaded');
  if (!page.url().endsWith('/login')) fail('logout did not return to the login page');
  r = await page.goto(base + '/');
  if (!page.url().endsWith('/login')) fail('the session survived logout');
  log('logout ends the session');

  // Five failed logins lock the address out, also for the right password.
  for (let i = 0; i < 5; ++i) await login(user, 'guess-' + i);
  await login(user, password);
  if (!(await page.textContent('body')).includes('Too many failed logins')) fail('no lock-out after five failures');
  if (new URL(page.url()).pathname === '/') fail('logged in while locked out');
  await page.screenshot({ path: out + '/locked-out.png', fullPage: true });
  log('five failures lock the address out');

  await browser.close();
  console.log('web: PASS');
})().catch((e) => fail(e.stack || String(e)));
