// Seed 000's browser flow on the router's page, as a level-1 user: the token
// was pulled and put back, so the VPN is down; the user logs in, types a
// wrong PIN (refused, attempts left shown), the right PIN (the token is
// unlocked and the tunnel comes up: the page shows it), then changes the PIN:
// the form shows the token's PIN rule (pin-policy etoken) and the attempts
// left; a weak PIN is refused naming the rule; the new PIN may hold spaces,
// '|' and '?' (it answers keygated's secret prompts, not a command line).
// Usage: node web_token.js HTTPS_URL USER PASSWORD TOKEN PIN NEW_PIN OUT
const { chromium } = require('playwright-core');
const fs = require('fs');

const [base, user, password, token, pin, newPin, out] = process.argv.slice(2);
const fail = (m) => { console.error('FAIL: ' + m); process.exit(1); };
const log = (m) => console.log('web: ' + m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
  fs.mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 420, height: 1000 } });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  await page.getByLabel('Username', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForLoadState('domcontentloaded');
  let status = await page.textContent('#token-status');
  if (!status.includes('Token ' + token + ' is usbtoken')) fail('the page does not show the token: ' + status);
  if (!status.includes('Keys: not active')) fail('the keys are active before the PIN: ' + status);
  if (!(await page.textContent('#vpn-status')).includes('DOWN')) fail('the VPN is not shown down');
  await page.screenshot({ path: out + '/token-locked.png', fullPage: true });
  log('logged in; token shown with its keys not active, VPN down');

  const unlock = async (p) => {
    await page.getByLabel('Token PIN', { exact: true }).fill(p);
    await page.getByRole('button', { name: 'Unlock token' }).click();
    await page.waitForLoadState('domcontentloaded');
    return page.locator('.msg').first().textContent();
  };
  let msg = await unlock('000000');
  if (!/left/.test(msg)) fail('a wrong PIN did not say the attempts left: ' + msg);
  if (!(await page.textContent('#token-status')).includes('1 failed attempt')) fail('the status does not count the failure');
  const rules = await page.textContent('#pin-rules');
  if (!rules.includes('1 failed attempt, 9 left before the token blocks')) fail('the PIN form does not show the attempts left: ' + rules);
  if (!rules.includes('at least 8 characters')) fail('the PIN form does not show the PIN rule: ' + rules);
  await page.screenshot({ path: out + '/token-wrong-pin.png', fullPage: true });
  log('wrong PIN refused: ' + msg);

  msg = await unlock(pin);
  if (!msg.includes('successful') && !msg.includes('unlocked')) fail('the right PIN did not unlock: ' + msg);
  // The tunnel comes up: reload until the page shows it.
  let up = false;
  for (let i = 0; i < 40 && !up; ++i) {
    await sleep(500);
    await page.goto(base + '/');
    up = (await page.textContent('#vpn-status')).includes('UP-ACTIVE');
  }
  if (!up) fail('the tunnel did not come up after the PIN: ' + (await page.textContent('#vpn-status')));
  if (!(await page.textContent('#token-status')).includes('Keys: active')) fail('keys not active after the PIN');
  await page.screenshot({ path: out + '/token-unlocked.png', fullPage: true });
  log('right PIN: token unlocked, tunnel UP-ACTIVE on the page');

  // Change the PIN: a mismatch is refused by the page, then the real change.
  const change = async (old, neu, confirm) => {
    await page.getByLabel('Current PIN', { exact: true }).fill(old);
    await page.getByLabel('New PIN', { exact: true }).fill(neu);
    await page.getByLabel('New PIN again', { exact: true }).fill(confirm);
    await page.getByRole('button', { name: 'Change PIN' }).click();
    await page.waitForLoadState('domcontentloaded');
    return page.locator('.msg').first().textContent();
  };
  msg = await change(pin, newPin, newPin + 'x');
  if (!msg.includes('differ')) fail('a mismatched confirmation was not refused: ' + msg);
  msg = await change(pin, 'abcdefgh', 'abcdefgh');
  if (!msg.includes('pin-policy etoken') || !msg.includes('1 of the 4 character classes'))
    fail('a PIN against the rule was not refused with the rule: ' + msg);
  await page.screenshot({ path: out + '/token-pin-policy.png', fullPage: true });
  log('weak PIN refused: ' + msg);
  msg = await change(pin, newPin, newPin);
  if (!/changed/i.test(msg)) fail('the PIN was not changed: ' + msg);
  await page.screenshot({ path: out + '/token-pin-changed.png', fullPage: true });
  if (page.url().includes(newPin) || (await page.content()).includes(newPin)) fail('the new PIN is in the URL or page');
  log('PIN changed: ' + msg);
  await browser.close();
  console.log('web: PASS');
})().catch((e) => fail(e.stack || String(e)));
