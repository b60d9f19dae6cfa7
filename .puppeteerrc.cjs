/** whatsapp-web.js uses puppeteer: never download a browser, use Debian's Chromium. */
module.exports = { skipDownload: true, executablePath: '/usr/bin/chromium' };
