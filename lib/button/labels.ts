import type { ButtonLocale } from '../protocol/locale';

// The locales are lib/locale.ts's: the `satisfies` below keeps this table covering exactly them.
export type { ButtonLocale } from '../protocol/locale';

// "Sign in with Mi Account" per locale. Xiaomi's own product names are used where they exist
// (小米账号 / 小米帳號, Mi-Konto, Compte Mi, Cuenta Mi, Conta Mi, Mi аккаунт, Akun Mi…);
// elsewhere the wording follows each language's usual "Sign in with <provider>" button text.
const LABELS = {
  en: 'Sign in with Mi Account',
  'zh-CN': '使用小米账号登录',
  'zh-TW': '使用小米帳號登入',
  'zh-HK': '使用小米帳號登入',
  es: 'Iniciar sesión con Cuenta Mi',
  'pt-BR': 'Entrar com a Conta Mi',
  pt: 'Iniciar sessão com a Conta Mi',
  ru: 'Войти через Mi аккаунт',
  id: 'Masuk dengan Akun Mi',
  vi: 'Đăng nhập bằng Tài khoản Mi',
  th: 'ลงชื่อเข้าใช้ด้วยบัญชี Mi',
  hi: 'Mi खाते से साइन इन करें',
  bn: 'Mi অ্যাকাউন্ট দিয়ে সাইন-ইন করুন',
  ar: 'تسجيل الدخول باستخدام حساب Mi',
  fa: 'ورود با حساب Mi',
  he: 'כניסה באמצעות חשבון Mi',
  fr: 'Se connecter avec le compte Mi',
  de: 'Mit Mi-Konto anmelden',
  it: 'Accedi con Account Mi',
  nl: 'Inloggen met Mi-account',
  pl: 'Zaloguj się przez konto Mi',
  cs: 'Přihlásit se pomocí účtu Mi',
  ro: 'Conectați-vă cu contul Mi',
  hu: 'Bejelentkezés Mi-fiókkal',
  el: 'Σύνδεση με λογαριασμό Mi',
  tr: 'Mi Hesabı ile oturum açın',
  uk: 'Увійти через обліковий запис Mi',
  sv: 'Logga in med Mi-konto',
  da: 'Log ind med Mi-konto',
  fi: 'Kirjaudu Mi-tilillä',
  nb: 'Logg på med Mi-konto',
  ja: 'Mi アカウントでログイン',
  ko: 'Mi 계정으로 로그인',
  ms: 'Log masuk dengan Akaun Mi',
  fil: 'Mag-sign in gamit ang Mi Account',
  sk: 'Prihlásiť sa pomocou účtu Mi',
  bg: 'Вход с Mi акаунт',
  hr: 'Prijava putem Mi računa',
  sr: 'Пријава помоћу Mi налога',
  sl: 'Prijava z računom Mi',
  lt: 'Prisijungti naudojant Mi paskyrą',
  lv: 'Pierakstīties ar Mi kontu',
  et: 'Logi sisse Mi kontoga',
  ca: 'Inicia la sessió amb el compte Mi',
  ur: 'Mi اکاؤنٹ کے ساتھ سائن ان کریں',
  ta: 'Mi கணக்கு மூலம் உள்நுழைக',
  te: 'Mi ఖాతాతో సైన్ ఇన్ చేయండి',
  mr: 'Mi खात्यासह साइन इन करा',
  gu: 'Mi એકાઉન્ટ વડે સાઇન ઇન કરો',
  kn: 'Mi ಖಾತೆ ಮೂಲಕ ಸೈನ್ ಇನ್ ಮಾಡಿ',
  ml: 'Mi അക്കൗണ്ട് ഉപയോഗിച്ച് സൈൻ ഇൻ ചെയ്യുക',
  pa: 'Mi ਖਾਤੇ ਨਾਲ ਸਾਈਨ ਇਨ ਕਰੋ',
  ne: 'Mi खाताबाट साइन इन गर्नुहोस्',
  si: 'Mi ගිණුම සමඟ පුරනය වන්න',
  kk: 'Mi аккаунты арқылы кіру',
  uz: 'Mi akkaunti orqali kirish',
  az: 'Mi hesabı ilə daxil olun',
  ka: 'Mi ანგარიშით შესვლა',
  my: 'Mi အကောင့်ဖြင့် လက်မှတ်ထိုးဝင်ပါ',
  km: 'ចូលដោយប្រើគណនី Mi',
  lo: 'ເຂົ້າສູ່ລະບົບດ້ວຍບັນຊີ Mi',
  sw: 'Ingia ukitumia Akaunti ya Mi',
} satisfies Record<ButtonLocale, string>;

/**
 * "Sign in with Mi Account" in every supported locale, keyed by {@link ButtonLocale}.
 *
 * @example
 * BUTTON_LABELS['zh-CN'] // '使用小米账号登录'
 * BUTTON_LABELS.de       // 'Mit Mi-Konto anmelden'
 */
export const BUTTON_LABELS: Readonly<Record<ButtonLocale, string>> = Object.freeze(LABELS);

/**
 * Every supported locale, in the order of the `BUTTON_LABELS` table.
 *
 * @example
 * BUTTON_LOCALES.includes('fil') // true
 */
export const BUTTON_LOCALES: readonly ButtonLocale[] = Object.freeze(Object.keys(LABELS) as ButtonLocale[]);

/**
 * The supported locales written right to left (they render with `dir="rtl"`).
 *
 * @example
 * RTL_BUTTON_LOCALES.has('ar') // true
 */
export const RTL_BUTTON_LOCALES: ReadonlySet<ButtonLocale> = new Set<ButtonLocale>(['ar', 'fa', 'he', 'ur']);
