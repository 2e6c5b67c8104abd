// Loopback addresses standing for account.xiaomi.com and open.account.xiaomi.com. Names such as account.localhost
// do not resolve everywhere (glibc without nss-myhostname), while Linux routes all of 127.0.0.0/8 to loopback.
'use strict';

module.exports = { ACCOUNT_HOST: '127.0.0.2', OPEN_API_HOST: '127.0.0.3' };
