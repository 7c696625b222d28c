'use strict';
// Deterministic seed data for the ezrizi demo platform.
// seed(today) -> array of FHIR resources. Same `today` (YYYY-MM-DD) -> same ids and content
// (only meta.lastUpdated reflects the real seeding time).

const { COUNSELLORS, RECEPTION, SCRIPT_PRACTITIONER, practitionerIdFor } = require('./users');

const BCP47 = 'urn:ietf:bcp:47';
const LANG_NAMES = { ar: 'Arabic', ur: 'Urdu', ms: 'Malay', tr: 'Turkish', en: 'English' };
const LANGS = ['ar', 'ur', 'ms', 'tr', 'en'];
const SERVICE_1TO1 = 'Counselling (1:1)';
const ROLE_SYSTEM = 'urn:ezrizi:role';
const MRN_SYSTEM = 'urn:ezrizi:demo:mrn';
const V2_0276 = 'http://terminology.hl7.org/CodeSystem/v2-0276';
const NOTE_CATEGORY = 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category';

function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function hashString(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
function parseDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  if (!m) throw new Error('bad date (want YYYY-MM-DD): ' + s);
  return new Date(+m[1], +m[2] - 1, +m[3]);
}
function localToday() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }
function ymd(d) { return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`; }
function ymdCompact(d) { return ymd(d).replace(/-/g, ''); }
function at(d, h, m = 0) { return new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, m, 0); }
function instant(d) { return d.toISOString().replace(/\.\d{3}Z$/, 'Z'); }
function isWeekday(d) { const w = d.getDay(); return w >= 1 && w <= 5; }
function mondayOf(d) { const w = (d.getDay() + 6) % 7; return addDays(d, -w); }
function b64(s) { return Buffer.from(s, 'utf8').toString('base64'); }
function langCC(code) { return { coding: [{ system: BCP47, code, display: LANG_NAMES[code] }], text: LANG_NAMES[code] }; }
function ref(r, display) { const o = { reference: `${r.resourceType}/${r.id}` }; if (display) o.display = display; return o; }

// ---- names ---------------------------------------------------------------------------
const NAMES = {
  ar: {
    male: ['محمد', 'أحمد', 'خالد', 'يوسف', 'عمر', 'علي', 'حسن', 'طارق', 'سامي', 'كريم'],
    female: ['فاطمة', 'مريم', 'نور', 'ليلى', 'سارة', 'هدى', 'رنا', 'زينب', 'ياسمين', 'آمنة'],
    family: ['الحسيني', 'العلي', 'الخطيب', 'النجار', 'الحداد', 'الشامي', 'المصري', 'القحطاني', 'الزهراني', 'العتيبي'],
    text: (g, f) => `${g} ${f}`,
  },
  ur: {
    male: ['عمران', 'علی', 'حسن', 'فیصل', 'عثمان', 'بلال', 'کامران', 'زاہد', 'ندیم', 'شاہد'],
    female: ['عائشہ', 'فاطمہ', 'صائمہ', 'نازیہ', 'رابعہ', 'ثنا', 'حنا', 'مہوش', 'سمیرا', 'کرن'],
    family: ['خان', 'احمد', 'قریشی', 'چوہدری', 'ملک', 'شیخ', 'بٹ', 'رضوی', 'صدیقی', 'مرزا'],
    text: (g, f) => `${g} ${f}`,
  },
  ms: {
    male: ['Ahmad', 'Muhammad Hafiz', 'Faizal', 'Azman', 'Hakim', 'Amirul', 'Syafiq', 'Zulkifli', 'Rizal', 'Farid'],
    female: ['Nurul Ain', 'Siti Aisyah', 'Farah', 'Nur Izzati', 'Aminah', 'Zarina', 'Noraini', 'Hidayah', 'Liyana', 'Sofea'],
    family: ['Abdullah', 'Ismail', 'Hassan', 'Osman', 'Yusof', 'Ibrahim', 'Rahman', 'Salleh', 'Othman', 'Kassim'],
    text: (g, f, gender) => `${g} ${gender === 'male' ? 'bin' : 'binti'} ${f}`,
  },
  tr: {
    male: ['Mehmet', 'Mustafa', 'Ahmet', 'Ali', 'Hüseyin', 'İbrahim', 'Murat', 'Oğuz', 'Çağrı', 'İsmail'],
    female: ['Ayşe', 'Fatma', 'Emine', 'Hatice', 'Zeynep', 'Elif', 'Şule', 'Gül', 'Özlem', 'İlknur'],
    family: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Öztürk', 'Aydın', 'Arslan', 'Doğan', 'Işık', 'Güneş'],
    text: (g, f) => `${g} ${f}`,
  },
  en: {
    male: ['James', 'Oliver', 'Daniel', 'Thomas', 'Samuel', 'Adam', 'Ryan', 'Liam', 'Noah', 'Jack'],
    female: ['Emily', 'Olivia', 'Grace', 'Hannah', 'Chloe', 'Sophie', 'Amelia', 'Isla', 'Jessica', 'Lucy'],
    family: ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Walker', 'Hughes', "O'Brien", 'Clarke'],
    text: (g, f) => `${g} ${f}`,
  },
};
// Fixed special patients (index -> name), for tests of diacritics and Turkish casing.
const SPECIAL = {
  0: { lang: 'ar', gender: 'male', given: ['مُحَمَّد'], family: 'عَبْدُ الله', text: 'مُحَمَّد عَبْدُ الله' },
  3: { lang: 'tr', gender: 'male', given: ['İbrahim'], family: 'Işıkoğlu', text: 'İbrahim Işıkoğlu' },
};
const PHONE = {
  ar: (r) => `+9665${Math.floor(r() * 1e8).toString().padStart(8, '0')}`,
  ur: (r) => `+923${Math.floor(r() * 1e9).toString().padStart(9, '0')}`,
  ms: (r) => `+601${Math.floor(r() * 1e8).toString().padStart(8, '0')}`,
  tr: (r) => `+905${Math.floor(r() * 1e9).toString().padStart(9, '0')}`,
  en: (r) => `+447${Math.floor(r() * 1e9).toString().padStart(9, '0')}`,
};

// The clients' countries (ISO 3166-1 alpha-2), as their phone numbers say.
const COUNTRY = { ar: 'SA', ur: 'PK', ms: 'MY', tr: 'TR', en: 'GB' };
const V2_0131 = 'http://terminology.hl7.org/CodeSystem/v2-0131';
// An emergency contact (v2-0131 C) made from the number alone, so the seed's
// random sequence (and every test built on it) stays as it was.
function emergencyContact(lang, num) {
  const N = NAMES[lang];
  const given = N.female[num % N.female.length];
  const family = N.family[(num * 7) % N.family.length];
  const text = N.text(given, family, 'female');
  const digits = String((num * 7919) % 1e8).padStart(8, '0');
  const prefix = { ar: '+9665', ur: '+9230', ms: '+601', tr: '+9053', en: '+4477' }[lang];
  return {
    relationship: [{ coding: [{ system: V2_0131, code: 'C', display: 'Emergency Contact' }] }],
    name: { text, family, given: [given] },
    telecom: [{ system: 'phone', value: prefix + digits, use: 'mobile' }],
  };
}

// ---- crisis lines -------------------------------------------------------------------------
// Only the numbers CLINICAL-NOTES.md (1d) gives with a source; none for Saudi
// Arabia, Pakistan or Turkey (not verified), none for lines named there without
// a number (Befrienders Malaysia, Healing119). No availableTime: no source says
// any of them is open 24 hours.
const SERVICE_SYSTEM = 'urn:ezrizi:service';
function crisisLines() {
  const out = [];
  const loc = (id, name, address) => {
    const l = { resourceType: 'Location', id, status: 'active', name, address };
    out.push(l);
    return l;
  };
  const line = (id, name, phone, area, langs, comment) => {
    const crisis = { coding: [{ system: SERVICE_SYSTEM, code: 'crisis-line', display: 'Crisis line' }], text: 'Crisis line' };
    out.push({
      resourceType: 'HealthcareService', id, active: true, name,
      category: [crisis], type: [crisis],
      telecom: [{ system: 'phone', value: phone, use: 'work' }],
      coverageArea: [ref(area, area.name)],
      ...(langs ? { communication: langs.map(langCC) } : {}),
      ...(comment ? { comment } : {}),
    });
  };
  const ae = loc('loc-country-ae', 'United Arab Emirates', { country: 'AE' });
  const my = loc('loc-country-my', 'Malaysia', { country: 'MY' });
  const id = loc('loc-country-id', 'Indonesia', { country: 'ID' });
  const jakarta = loc('loc-jakarta', 'Jakarta', { city: 'Jakarta', country: 'ID' });
  // https://www.thenationalnews.com/uae/health/coronavirus-uae-sets-up-free-national-helpline-to-support-mental-health-1.1021577
  line('crisis-ae-hope', 'HOPE, National Programme for Happiness and Wellbeing', '800-4673', ae, ['ar', 'en']);
  // https://www.malaymail.com/news/malaysia/2024/06/25/health-ministry-says-working-with-telcos-to-provide-free-access-to-heal-line-15555/141421
  line('crisis-my-heal', 'HEAL Line, Ministry of Health', '15555', my);
  // https://www.thesundaily.my/local/miasa-launches-crisis-helpline-for-mental-health-DD8454162
  line('crisis-my-miasa', 'MIASA crisis helpline', '1-800-820066', my);
  // https://jabar.tribunnews.com/2024/03/14/viral-unggahan-keluhan-soal-hotline-kesehatan-jiwa-119-tak-bisa-dihubungi-kemenkes-buka-suara
  line('crisis-id-sejiwa', 'SEJIWA', '119 ext 8', id, null,
    'Kemenkes said in 2024 that getting through can take 4-6 tries.');
  // CLINICAL-NOTES.md 1d lists it among Indonesia's lines without saying which
  // of its sources names it; its Indonesian source on the lines:
  // https://jabar.tribunnews.com/2024/03/14/viral-unggahan-keluhan-soal-hotline-kesehatan-jiwa-119-tak-bisa-dihubungi-kemenkes-buka-suara
  line('crisis-id-jakcare', 'JakCare', '0800-1500-119', jakarta);
  return out;
}

// ---- note and chat texts ------------------------------------------------------------------
const NOTES = {
  ar: [
    'جلسة تقييم أولية.\nالشكوى الرئيسية: قلق مستمر منذ عدة أشهر.\nالدعم الأسري جيد.\nتم الاتفاق على ست جلسات أسبوعية.',
    'جلسة متابعة رقم {n}.\nتحدث العميل عن صعوبات في النوم وضغط العمل.\nمارسنا تمرين التنفس لمدة عشر دقائق.\nالخطة: متابعة يوميات المزاج والعودة الأسبوع القادم.',
    'جلسة متابعة رقم {n}.\nأفاد العميل بتحسن طفيف في المزاج هذا الأسبوع.\nناقشنا الأفكار السلبية المتكررة وطرق إعادة صياغتها.\nلا توجد مؤشرات خطر حالياً.\nالواجب: تسجيل ثلاثة مواقف إيجابية يومياً.',
  ],
  ur: [
    'ابتدائی جائزہ سیشن۔\nبنیادی شکایت: کئی مہینوں سے مسلسل پریشانی۔\nخاندانی تعاون اچھا ہے۔\nچھ ہفتہ وار سیشنز پر اتفاق ہوا۔',
    'فالو اپ سیشن نمبر {n}۔\nکلائنٹ نے نیند کی کمی اور کام کے دباؤ کے بارے میں بات کی۔\nہم نے دس منٹ سانس کی مشق کی۔\nمنصوبہ: موڈ ڈائری جاری رکھیں، اگلے ہفتے دوبارہ ملاقات۔',
    'فالو اپ سیشن نمبر {n}۔\nکلائنٹ نے اس ہفتے موڈ میں معمولی بہتری بتائی۔\nمنفی خیالات کو پہچاننے اور بدلنے پر گفتگو ہوئی۔\nفی الحال خطرے کی کوئی علامت نہیں۔\nہوم ورک: روزانہ تین مثبت واقعات لکھیں۔',
  ],
  ms: [
    'Sesi penilaian awal.\nAduan utama: kebimbangan berterusan sejak beberapa bulan.\nSokongan keluarga baik.\nDipersetujui enam sesi mingguan.',
    'Sesi susulan ke-{n}.\nKlien bercerita tentang masalah tidur dan tekanan kerja.\nKami berlatih teknik pernafasan selama sepuluh minit.\nPelan: teruskan diari emosi, berjumpa semula minggu depan.',
    'Sesi susulan ke-{n}.\nKlien melaporkan mood bertambah baik sedikit minggu ini.\nKami membincangkan pemikiran negatif yang berulang dan cara menstruktur semula.\nTiada tanda risiko buat masa ini.\nTugasan: catat tiga perkara positif setiap hari.',
  ],
  tr: [
    'İlk değerlendirme seansı.\nAna şikâyet: birkaç aydır süren sürekli kaygı.\nAile desteği iyi.\nAltı haftalık seans üzerinde anlaşıldı.',
    '{n}. takip seansı.\nDanışan uyku sorunları ve iş stresinden bahsetti.\nOn dakika nefes egzersizi yaptık.\nPlan: duygu günlüğüne devam, gelecek hafta tekrar görüşme.',
    '{n}. takip seansı.\nDanışan bu hafta ruh halinde hafif bir iyileşme bildirdi.\nTekrarlayan olumsuz düşünceleri ve yeniden çerçevelemeyi konuştuk.\nŞu an için risk belirtisi yok.\nÖdev: her gün üç olumlu olayı yazmak.',
  ],
  en: [
    'Initial assessment session.\nPresenting problem: persistent anxiety for several months.\nFamily support is good.\nAgreed on six weekly sessions.',
    'Follow-up session {n}.\nClient talked about poor sleep and pressure at work.\nWe practised a breathing exercise for ten minutes.\nPlan: continue the mood diary, meet again next week.',
    'Follow-up session {n}.\nClient reports a slight improvement in mood this week.\nWe discussed recurring negative thoughts and how to reframe them.\nNo risk indicators at present.\nHomework: write down three positive events each day.',
  ],
};
// chat lines alternate patient (even index) / counsellor (odd index)
const CHAT = {
  ar: ['مرحباً، هل يمكنني تغيير موعد جلستي؟', 'أهلاً، بالتأكيد. ما الوقت المناسب لك؟', 'يوم الخميس بعد الظهر إن أمكن.', 'تم، سأرسل لك التأكيد.', 'شكراً جزيلاً!', 'على الرحب والسعة. هل تمرين التنفس مفيد؟', 'نعم، أمارسه كل مساء.', 'ممتاز، استمر عليه وسنتحدث عنه في الجلسة.', 'حسناً، إلى اللقاء.', 'إلى اللقاء.'],
  ur: ['السلام علیکم، کیا میں اپنا سیشن تبدیل کر سکتا ہوں؟', 'وعلیکم السلام، جی ضرور۔ آپ کو کون سا وقت مناسب ہے؟', 'جمعرات کی دوپہر اگر ممکن ہو۔', 'ٹھیک ہے، میں تصدیق بھیج دیتا ہوں۔', 'بہت شکریہ!', 'کوئی بات نہیں۔ کیا سانس کی مشق مدد کر رہی ہے؟', 'جی ہاں، میں ہر شام کرتا ہوں۔', 'بہت خوب، جاری رکھیں، سیشن میں اس پر بات کریں گے۔', 'ٹھیک ہے، خدا حافظ۔', 'خدا حافظ۔'],
  ms: ['Selamat pagi, boleh saya tukar masa sesi saya?', 'Selamat pagi, boleh. Masa bila yang sesuai?', 'Khamis petang kalau boleh.', 'Baik, saya akan hantar pengesahan.', 'Terima kasih banyak!', 'Sama-sama. Adakah latihan pernafasan membantu?', 'Ya, saya buat setiap malam.', 'Bagus, teruskan. Kita bincang dalam sesi nanti.', 'Baik, jumpa nanti.', 'Jumpa nanti.'],
  tr: ['Merhaba, seans saatimi değiştirebilir miyim?', 'Merhaba, tabii ki. Hangi saat uygun?', 'Mümkünse perşembe öğleden sonra.', 'Tamam, onayı gönderiyorum.', 'Çok teşekkürler!', 'Rica ederim. Nefes egzersizi işe yarıyor mu?', 'Evet, her akşam yapıyorum.', 'Harika, devam edin. Seansta konuşuruz.', 'Tamam, görüşmek üzere.', 'Görüşmek üzere.'],
  en: ['Hi, could I move my session this week?', 'Hello, of course. What time suits you?', 'Thursday afternoon if possible.', "Done, I'll send you the confirmation.", 'Thank you so much!', 'You are welcome. Is the breathing exercise helping?', 'Yes, I do it every evening.', "Great, keep going. We'll talk about it in the session.", 'OK, see you then.', 'See you then.'],
};
const TOPIC = { ar: 'تغيير موعد الجلسة', ur: 'سیشن کا وقت تبدیل کرنا', ms: 'Tukar masa sesi', tr: 'Seans saatini değiştirme', en: 'Rescheduling my session' };

// ---- seeding ------------------------------------------------------------------------------
function seed(todayStr) {
  const today = parseDay(todayStr || localToday());
  const rand = mulberry32(hashString('ezrizi:' + ymd(today)));
  const ri = (n) => Math.floor(rand() * n);
  const out = [];
  const add = (r) => { out.push(r); return r; };

  // Practitioners, roles, schedules
  const pracById = {};
  const counsellors = COUNSELLORS.map((c) => {
    const p = add({
      resourceType: 'Practitioner', id: practitionerIdFor(c.username), active: true,
      identifier: [{ system: 'urn:ezrizi:demo:staff', value: c.username }],
      name: [{ use: 'official', text: c.text, family: c.family, given: c.given }, { use: 'usual', text: c.latin }],
      gender: c.gender,
      telecom: [{ system: 'email', value: `${c.username}@demo.ezrizi.example`, use: 'work' }],
      communication: c.langs.map(langCC),
    });
    pracById[p.id] = p;
    add({
      resourceType: 'PractitionerRole', id: 'role-' + c.username, active: true, practitioner: ref(p, c.text),
      code: [{ coding: [{ system: ROLE_SYSTEM, code: 'counsellor', display: 'Counsellor' }], text: 'Counsellor' }],
      specialty: [{ text: 'Mental health counselling' }],
    });
    return { ...c, prac: p };
  });
  const reception = add({
    resourceType: 'Practitioner', id: RECEPTION.practitionerId, active: true,
    identifier: [{ system: 'urn:ezrizi:demo:staff', value: RECEPTION.username }],
    name: [{ use: 'official', text: RECEPTION.text, family: RECEPTION.family, given: RECEPTION.given }],
    telecom: [{ system: 'email', value: 'reception@demo.ezrizi.example', use: 'work' }],
    communication: ['en', 'ar', 'ms'].map(langCC),
  });
  add({
    resourceType: 'PractitionerRole', id: 'role-reception', active: true, practitioner: ref(reception, RECEPTION.text),
    code: [{ coding: [{ system: ROLE_SYSTEM, code: 'receptionist', display: 'Receptionist' }], text: 'Receptionist' }],
  });
  // The counsellor on call: where 'ezrizi escalate' goes when a config names
  // no on_call. A role of its own beside Omar's counsellor role.
  add({
    resourceType: 'PractitionerRole', id: 'role-on-call', active: true,
    practitioner: { reference: 'Practitioner/' + practitionerIdFor('omar'), display: 'عمر الفاروق' },
    code: [{ coding: [{ system: ROLE_SYSTEM, code: 'on-call', display: 'Counsellor on call' }], text: 'On call' }],
  });
  add({
    resourceType: 'Practitioner', id: SCRIPT_PRACTITIONER.practitionerId, active: true,
    identifier: [{ system: 'urn:ezrizi:demo:staff', value: 'ezrizi-script' }],
    name: [{ use: 'official', text: SCRIPT_PRACTITIONER.text, family: SCRIPT_PRACTITIONER.family, given: SCRIPT_PRACTITIONER.given }],
  });

  const weekStart = mondayOf(today);
  const horizonEnd = addDays(today, 28); // exclusive
  const scheds = {};
  for (const c of counsellors) {
    scheds[c.username] = add({
      resourceType: 'Schedule', id: 'sched-' + c.username, active: true,
      serviceType: [{ text: SERVICE_1TO1 }],
      actor: [ref(c.prac, c.text)],
      planningHorizon: { start: instant(at(weekStart, 0)), end: instant(at(horizonEnd, 0)) },
      comment: 'Weekdays 09:00-17:00, 50-minute sessions on the hour',
    });
  }

  for (const r of crisisLines()) add(r);

  // Patients
  const NPAT = 210;
  const patients = [];
  for (let i = 0; i < NPAT; i++) {
    const lang = LANGS[i % LANGS.length];
    const gender = rand() < 0.5 ? 'male' : 'female';
    const N = NAMES[lang];
    let given = [N[gender][ri(N[gender].length)]];
    let family = N.family[ri(N.family.length)];
    let text = N.text(given[0], family, gender);
    let g = gender;
    const sp = SPECIAL[i];
    if (sp) { given = sp.given; family = sp.family; text = sp.text; g = sp.gender; }
    if (lang === 'ms') given = given[0].split(' ');
    const num = i + 1;
    const id = 'pat-' + pad(num, 4);
    const year = 1960 + ri(47);
    const comm = [{ language: langCC(lang), preferred: true }];
    if (lang !== 'en' && rand() < 0.3) comm.push({ language: langCC('en'), preferred: false });
    if (lang === 'en' && rand() < 0.15) comm.push({ language: langCC(rand() < 0.5 ? 'ar' : 'ur'), preferred: false });
    const telecom = [{ system: 'phone', value: PHONE[lang](rand), use: 'mobile' }];
    if (rand() < 0.5) telecom.push({ system: 'email', value: `client${pad(num, 4)}@mail.example`, use: 'home' });
    const p = add({
      resourceType: 'Patient', id, active: true,
      identifier: [{ system: MRN_SYSTEM, value: 'MRN-' + pad(num, 6) }],
      name: [{ use: 'official', text, family, given }],
      gender: g,
      birthDate: `${year}-${pad(1 + ri(12))}-${pad(1 + ri(28))}`,
      telecom,
      communication: comm,
      address: [{ use: 'home', country: COUNTRY[lang] }],
      ...(num % 3 !== 0 ? { contact: [emergencyContact(lang, num)] } : {}),
    });
    patients.push({ p, lang, text, num });
  }

  // Primary counsellor per patient (round-robin over counsellors speaking the language;
  // a counsellor whose main language it is appears twice).
  const pool = {};
  for (const l of LANGS) {
    pool[l] = [];
    for (const c of counsellors) if (c.langs[0] === l) pool[l].push(c, c);
    for (const c of counsellors) if (c.langs[0] !== l && c.langs.includes(l)) pool[l].push(c);
  }
  const rr = {};
  const caseload = {};
  for (const c of counsellors) caseload[c.username] = [];
  for (const pt of patients) {
    const k = rr[pt.lang] || 0; rr[pt.lang] = k + 1;
    pt.counsellor = pool[pt.lang][k % pool[pt.lang].length];
    caseload[pt.counsellor.username].push(pt);
  }

  // Slots: weekdays (and today, whatever day it is) from this week's Monday for 28 days after today.
  const SLOT_HOURS = [9, 10, 11, 12, 13, 14, 15, 16];
  const slots = {};
  for (let d = weekStart; d < horizonEnd; d = addDays(d, 1)) {
    if (!isWeekday(d) && ymd(d) !== ymd(today)) continue;
    for (const c of counsellors) {
      for (const h of SLOT_HOURS) {
        const id = `slot-${c.username}-${ymdCompact(d)}-${pad(h)}00`;
        slots[id] = add({
          resourceType: 'Slot', id, schedule: ref(scheds[c.username]), status: 'free',
          serviceType: [{ text: SERVICE_1TO1 }],
          start: instant(at(d, h)), end: instant(at(d, h, 50)),
        });
      }
    }
  }

  // Appointments this week (Monday..Sunday containing today)
  const apptNext = {};
  const nextPatient = (c) => {
    const list = caseload[c.username];
    const k = apptNext[c.username] || 0; apptNext[c.username] = k + 1;
    return list[k % list.length];
  };
  const appointments = [];
  const todayYmd = ymd(today);
  for (let d = weekStart; d < addDays(weekStart, 7); d = addDays(d, 1)) {
    const isToday = ymd(d) === todayYmd;
    if (!isWeekday(d) && !isToday) continue;
    for (const c of counsellors) {
      let hours;
      if (isToday && c.username === 'amina') hours = [9, 10, 13, 15];
      else if (isToday) hours = rand() < 0.6 ? [SLOT_HOURS[ri(8)]] : [];
      else hours = rand() < 0.8 ? [SLOT_HOURS[ri(8)]] : [];
      for (const h of hours) {
        const slotId = `slot-${c.username}-${ymdCompact(d)}-${pad(h)}00`;
        const slot = slots[slotId];
        if (!slot || slot.status !== 'free') continue;
        slot.status = 'busy';
        const pt = nextPatient(c);
        let status = 'booked';
        if (d < today) status = rand() < 0.12 ? 'noshow' : 'fulfilled';
        else if (isToday && h === 9) status = 'fulfilled';
        else if (isToday && h === 10) status = c.username === 'amina' ? 'arrived' : 'noshow';
        const follow = (apptNext[c.username] % 3) !== 1;
        const a = add({
          resourceType: 'Appointment', id: `appt-${ymdCompact(d)}-${c.username}-${pad(h)}00`, status,
          serviceType: [{ text: SERVICE_1TO1 }],
          appointmentType: { coding: [follow
            ? { system: V2_0276, code: 'FOLLOWUP', display: 'A follow up visit from a previous appointment' }
            : { system: V2_0276, code: 'ROUTINE', display: 'Routine appointment - default if not valued' }] },
          description: `${SERVICE_1TO1} — ${pt.text}`,
          start: slot.start, end: slot.end, minutesDuration: 50,
          slot: [ref(slot)],
          created: instant(at(addDays(d, -7 - ri(7)), 9 + ri(8), 5 * ri(12))),
          participant: [
            { actor: ref(pt.p, pt.text), required: 'required', status: 'accepted' },
            { actor: ref(c.prac, c.text), required: 'required', status: 'accepted' },
          ],
        });
        appointments.push({ a, pt, c, day: d, hour: h });
      }
    }
  }

  // A schedule of measures (ezrizi's CarePlan, include/core/measure.h): the
  // PHQ-9 at every session for amina's 15:00 client of today, who has no score
  // yet, so the day's list shows it due.
  const measured = appointments.find((x) => x.c.username === 'amina' && ymd(x.day) === todayYmd && x.hour === 15);
  if (measured) {
    add({
      resourceType: 'CarePlan', id: 'measures-' + measured.pt.p.id, status: 'active', intent: 'plan',
      category: [{ coding: [{ system: 'urn:ezrizi:careplan', code: 'measures', display: 'Measures' }] }],
      title: 'Measures', subject: ref(measured.pt.p), created: instant(at(addDays(today, -14), 10)),
      author: ref(measured.c.prac, measured.c.text),
      activity: [{ detail: {
        code: { coding: [{ system: 'http://loinc.org', code: '44249-1', display: 'PHQ-9' }] }, status: 'scheduled',
        scheduledTiming: { code: { coding: [{ system: 'urn:ezrizi:measure-schedule', code: 'every-session' }] } },
      } }],
    });
  }

  // Support group + group appointment later this week (17:00-18:30 local, no slot).
  const groupLang = 'en';
  const members = patients.filter((x) => x.lang === groupLang).slice(0, 6)
    .concat(patients.filter((x) => x.lang === 'ar').slice(1, 3));
  const group = add({
    resourceType: 'Group', id: 'group-support-1', type: 'person', actual: true, active: true,
    name: 'Anxiety support circle',
    quantity: members.length,
    managingEntity: ref(counsellors[0].prac, counsellors[0].text),
    member: members.map((m) => ({ entity: ref(m.p, m.text), inactive: false })),
  });
  let gday = addDays(today, 1);
  for (let k = 1; k <= 6; k++) { const d = addDays(today, k); if (d < addDays(weekStart, 7) && isWeekday(d)) { gday = d; break; } }
  add({
    resourceType: 'Appointment', id: `appt-group-${ymdCompact(gday)}`, status: 'booked',
    serviceType: [{ text: 'Support group' }],
    appointmentType: { coding: [{ system: V2_0276, code: 'ROUTINE', display: 'Routine appointment - default if not valued' }] },
    description: 'Support group — ' + group.name,
    start: instant(at(gday, 17)), end: instant(at(gday, 18, 30)), minutesDuration: 90,
    created: instant(at(addDays(today, -10), 11)),
    participant: members.map((m) => ({ actor: ref(m.p, m.text), required: 'required', status: 'accepted' }))
      .concat([{ actor: ref(counsellors[0].prac, counsellors[0].text), required: 'required', status: 'accepted' }]),
    comment: 'Group: Group/' + group.id,
  });

  // Session notes: ~60 patients (amina's patients of today first), 2-5 notes each.
  const aminaToday = appointments.filter((x) => x.c.username === 'amina' && ymd(x.day) === todayYmd).map((x) => x.pt);
  const noted = [];
  const seen = new Set();
  for (const pt of aminaToday.concat(patients.filter((_, i) => i % 3 === 0))) {
    if (noted.length >= 62 || seen.has(pt.p.id)) continue;
    seen.add(pt.p.id); noted.push(pt);
  }
  let noteCount = 0;
  for (const pt of noted) {
    const n = 2 + ri(4);
    const c = pt.counsellor;
    for (let k = 1; k <= n; k++) {
      const when = at(addDays(today, -7 * (n - k + 1) - ri(3)), 9 + ri(8));
      const end = new Date(when.getTime() + 50 * 60000);
      const tmpl = NOTES[pt.lang][k === 1 ? 0 : 1 + (k % 2)];
      const text = tmpl.replace('{n}', String(k));
      const prelim = k === n && (++noteCount % 7 === 0);
      add({
        resourceType: 'DocumentReference', id: `note-${pt.p.id}-${k}`, status: 'current',
        docStatus: prelim ? 'preliminary' : 'final',
        type: { coding: [k === 1
          ? { system: 'http://loinc.org', code: '11488-4', display: 'Consult note' }
          : { system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
        category: [{ coding: [{ system: NOTE_CATEGORY, code: 'clinical-note', display: 'Clinical Note' }] }],
        subject: ref(pt.p, pt.text),
        date: instant(end),
        author: [ref(c.prac, c.text)],
        ...(prelim ? {} : { authenticator: ref(c.prac, c.text) }),
        description: k === 1 ? 'Initial assessment' : `Session ${k}`,
        content: [{ attachment: { contentType: 'text/plain; charset=utf-8', language: pt.lang, data: b64(text), title: k === 1 ? 'Initial assessment' : `Session ${k}`, creation: instant(end) } }],
        context: { period: { start: instant(when), end: instant(end) } },
      });
    }
  }

  // Chat threads (Medplum thread model)
  const threadPts = [];
  const tseen = new Set();
  for (const pt of aminaToday.concat(patients.filter((x) => x.lang !== 'ar').filter((_, i) => i % 11 === 2))) {
    if (threadPts.length >= 7 || tseen.has(pt.p.id)) continue;
    tseen.add(pt.p.id); threadPts.push(pt);
  }
  threadPts.forEach((pt, ti) => {
    const c = pt.counsellor;
    const tid = 'thread-' + pad(ti + 1);
    const nmsg = 3 + ((ti * 3) % 8);
    const t0 = at(addDays(today, -2), 8 + ti);
    const header = add({
      resourceType: 'Communication', id: tid, status: 'in-progress',
      subject: ref(pt.p, pt.text), topic: { text: TOPIC[pt.lang] },
      recipient: [ref(pt.p, pt.text), ref(c.prac, c.text)],
      sent: instant(t0),
    });
    let prev;
    for (let k = 0; k < nmsg; k++) {
      const fromPatient = k % 2 === 0;
      const sent = new Date(t0.getTime() + (k + 1) * 47 * 60000);
      const msg = add({
        resourceType: 'Communication', id: `${tid}-msg-${pad(k + 1)}`, status: 'completed',
        partOf: [ref(header)],
        subject: ref(pt.p, pt.text),
        sender: fromPatient ? ref(pt.p, pt.text) : ref(c.prac, c.text),
        recipient: [fromPatient ? ref(c.prac, c.text) : ref(pt.p, pt.text)],
        sent: instant(sent),
        ...(k < nmsg - 1 ? { received: instant(new Date(sent.getTime() + 5 * 60000)) } : {}),
        ...(prev ? { inResponseTo: [ref(prev)] } : {}),
        payload: [{ contentString: CHAT[pt.lang][k % CHAT[pt.lang].length] }],
      });
      prev = msg;
    }
  });
  // Group chat thread
  const gh = add({
    resourceType: 'Communication', id: 'thread-group-1', status: 'in-progress', subject: ref(group, group.name),
    topic: { text: 'Support circle this week' }, recipient: [ref(counsellors[0].prac, counsellors[0].text)], sent: instant(at(addDays(today, -1), 18)),
  });
  ['Reminder: our next circle meets this week at 17:00.', 'Thanks, I will be there.', 'Looking forward to it.'].forEach((txt, k) => {
    const sender = k === 0 ? ref(counsellors[0].prac, counsellors[0].text) : ref(members[k].p, members[k].text);
    add({
      resourceType: 'Communication', id: `thread-group-1-msg-${pad(k + 1)}`, status: 'completed', partOf: [ref(gh)],
      subject: ref(group, group.name), sender, sent: instant(at(addDays(today, -1), 18, 5 + k * 10)),
      payload: [{ contentString: txt }],
    });
  });

  // A platform's own form, to show that ezrizi gives any Questionnaire it
  // can read: operational, not clinical (no instrument's wording is seeded:
  // none ships with a verified source). Weights (ordinalValue) make a total.
  const ORD = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
  const opt = (code, display, w) => ({
    valueCoding: { system: 'urn:ezrizi:demo:connection', code, display },
    extension: [{ url: ORD, valueDecimal: w }],
  });
  add({
    resourceType: 'Questionnaire', id: 'session-check', url: 'urn:ezrizi:demo:questionnaire:session-check',
    version: '1', status: 'active', name: 'SessionCheck', title: 'Session check (demo form, not clinical)',
    item: [
      { linkId: 'intro', type: 'display', text: 'A few questions about how the online session went.' },
      { linkId: 'on-time', type: 'boolean', text: 'Did the session start on time?', required: true },
      { linkId: 'late', type: 'integer', text: 'How many minutes late did it start?',
        enableWhen: [{ question: 'on-time', operator: '=', answerBoolean: false }] },
      { linkId: 'link', type: 'group', text: 'The connection', item: [
        { linkId: 'audio', type: 'choice', text: 'Sound problems', answerOption: [opt('none', 'None', 0), opt('some', 'Some', 1), opt('many', 'Many', 2)] },
        { linkId: 'video', type: 'choice', text: 'Picture problems', answerOption: [opt('none', 'None', 0), opt('some', 'Some', 1), opt('many', 'Many', 2)] },
      ] },
      { linkId: 'comment', type: 'string', text: 'Anything else?' },
    ],
  });

  // The worklist's demo week (include/core/worklist.h): of amina's sessions
  // held before today, the oldest has no note, the next a signed note tied
  // to it (context.related), the third a draft tied to it; and a draft of
  // four days ago tied to no session, overdue. Made last and with no random
  // draw, so nothing seeded above changes.
  const held = appointments.filter((x) => x.c.username === 'amina' && x.day < today && x.a.status === 'fulfilled')
    .sort((x, y) => (x.a.start < y.a.start ? -1 : 1));
  const tied = (x, id, prelim, text) => {
    const end = new Date(x.a.end);
    add({
      resourceType: 'DocumentReference', id, status: 'current', docStatus: prelim ? 'preliminary' : 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
      category: [{ coding: [{ system: NOTE_CATEGORY, code: 'clinical-note', display: 'Clinical Note' }] }],
      subject: ref(x.pt.p, x.pt.text), date: instant(end), author: [ref(x.c.prac, x.c.text)],
      ...(prelim ? {} : { authenticator: ref(x.c.prac, x.c.text) }),
      content: [{ attachment: { contentType: 'text/plain; charset=utf-8', language: x.pt.lang, data: b64(text), creation: instant(end) } }],
      context: { related: [ref(x.a)], period: { start: x.a.start, end: x.a.end } },
    });
  };
  if (held[1]) tied(held[1], 'note-session-' + held[1].a.id, false, NOTES[held[1].pt.lang][1].replace('{n}', 'W'));
  if (held[2]) tied(held[2], 'note-session-' + held[2].a.id, true, NOTES[held[2].pt.lang][2].replace('{n}', 'W'));
  const busy = new Set(appointments.map((x) => x.pt.p.id));
  const idle = caseload.amina.find((pt) => !busy.has(pt.p.id));
  const amina = counsellors.find((c) => c.username === 'amina');
  if (idle && amina) {
    const when = at(addDays(today, -4), 16);
    add({
      resourceType: 'DocumentReference', id: 'note-draft-overdue', status: 'current', docStatus: 'preliminary',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
      category: [{ coding: [{ system: NOTE_CATEGORY, code: 'clinical-note', display: 'Clinical Note' }] }],
      subject: ref(idle.p, idle.text), date: instant(when), author: [ref(amina.prac, amina.text)],
      content: [{ attachment: { contentType: 'text/plain; charset=utf-8', language: idle.lang, data: b64(NOTES[idle.lang][1].replace('{n}', 'D')), creation: instant(when) } }],
    });
  }

  return out;
}

module.exports = { seed, localToday, parseDay, ymd, LANGS };

if (require.main === module) {
  const rs = seed(process.argv[2]);
  const counts = {};
  for (const r of rs) counts[r.resourceType] = (counts[r.resourceType] || 0) + 1;
  console.log(counts);
}
