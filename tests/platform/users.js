'use strict';
// Demo user table for the ezrizi demo FHIR platform.
// Every demo user's password is "demo". Nothing here is a real secret; the server
// never prints or logs these values.

const DEMO_PASSWORD = 'demo';

// Counsellors. Each one becomes Practitioner/prac-<username>, PractitionerRole/role-<username>
// and Schedule/sched-<username> with Slots.
// langs: BCP-47 codes spoken; the first is the counsellor's main language.
const COUNSELLORS = [
  { username: 'amina', text: 'أمينة الحسيني', given: ['أمينة'], family: 'الحسيني', latin: 'Amina Al-Husseini', gender: 'female', langs: ['ar', 'en'] },
  { username: 'bilal', text: 'بلال احمد', given: ['بلال'], family: 'احمد', latin: 'Bilal Ahmed', gender: 'male', langs: ['ur', 'en'] },
  { username: 'siti', text: 'Siti Nurhaliza binti Ahmad', given: ['Siti', 'Nurhaliza'], family: 'Ahmad', latin: 'Siti Nurhaliza binti Ahmad', gender: 'female', langs: ['ms', 'en'] },
  { username: 'emre', text: 'Emre Yıldız', given: ['Emre'], family: 'Yıldız', latin: 'Emre Yildiz', gender: 'male', langs: ['tr', 'en'] },
  { username: 'sarah', text: 'Sarah Thompson', given: ['Sarah'], family: 'Thompson', latin: 'Sarah Thompson', gender: 'female', langs: ['en'] },
  { username: 'omar', text: 'عمر الفاروق', given: ['عمر'], family: 'الفاروق', latin: 'Omar Al-Farouq', gender: 'male', langs: ['ar', 'ur'] },
  { username: 'farah', text: 'فرح خان', given: ['فرح'], family: 'خان', latin: 'Farah Khan', gender: 'female', langs: ['ur', 'en'] },
  { username: 'hafiz', text: 'Muhammad Hafiz bin Ismail', given: ['Muhammad', 'Hafiz'], family: 'Ismail', latin: 'Muhammad Hafiz bin Ismail', gender: 'male', langs: ['ms', 'ar'] },
  { username: 'zeynep', text: 'Zeynep Şahin', given: ['Zeynep'], family: 'Şahin', latin: 'Zeynep Sahin', gender: 'female', langs: ['tr', 'en'] },
  { username: 'daniel', text: 'Daniel Okafor', given: ['Daniel'], family: 'Okafor', latin: 'Daniel Okafor', gender: 'male', langs: ['en', 'ms'] },
];

// Non-counsellor staff.
const RECEPTION = { username: 'reception', practitionerId: 'prac-reception', text: 'Front Desk', given: ['Front'], family: 'Desk', role: 'receptionist' };

// The automation identity used by the client_credentials grant.
const SCRIPT_PRACTITIONER = { practitionerId: 'prac-script', text: 'ezrizi Automation', given: ['ezrizi'], family: 'Automation' };

// A ClientApplication-style client, as Medplum's: its token's profile is the
// ClientApplication itself, so it acts for no counsellor.
const SYSTEM_CLIENT = { clientId: 'ezrizi-system', secret: 'demo-system-secret', name: 'ezrizi Reports' };

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function practitionerIdFor(username) {
  return 'prac-' + username;
}

// username -> { password, fhirUser, name }
const USERS = new Map();
for (const c of COUNSELLORS) {
  USERS.set(c.username, { username: c.username, password: DEMO_PASSWORD, fhirUser: 'Practitioner/' + practitionerIdFor(c.username), name: c.text, role: 'counsellor' });
}
USERS.set(RECEPTION.username, { username: RECEPTION.username, password: DEMO_PASSWORD, fhirUser: 'Practitioner/' + RECEPTION.practitionerId, name: RECEPTION.text, role: 'receptionist' });

// OAuth2 clients. "ezrizi" is the public terminal client (no secret; password,
// authorization code with PKCE, device and refresh_token grants). "ezrizi-script" is a
// confidential client for scripts (client_credentials), acting as
// Practitioner/prac-script. "ezrizi-system" is a confidential client that acts for
// no counsellor: its profile is ClientApplication/ezrizi-system.
const CLIENTS = new Map([
  ['ezrizi', { clientId: 'ezrizi', secret: null, grants: ['password', 'authorization_code', DEVICE_GRANT, 'refresh_token'] }],
  ['ezrizi-script', { clientId: 'ezrizi-script', secret: 'demo-script-secret', grants: ['client_credentials', 'password', 'refresh_token'],
    subject: { username: 'ezrizi-script', fhirUser: 'Practitioner/' + SCRIPT_PRACTITIONER.practitionerId, name: SCRIPT_PRACTITIONER.text, role: 'system' } }],
  [SYSTEM_CLIENT.clientId, { clientId: SYSTEM_CLIENT.clientId, secret: SYSTEM_CLIENT.secret, grants: ['client_credentials', 'refresh_token'],
    subject: { username: SYSTEM_CLIENT.clientId, fhirUser: null, profile: 'ClientApplication/' + SYSTEM_CLIENT.clientId, name: SYSTEM_CLIENT.name, role: 'system' } }],
]);

module.exports = { DEMO_PASSWORD, COUNSELLORS, RECEPTION, SCRIPT_PRACTITIONER, SYSTEM_CLIENT, USERS, CLIENTS, practitionerIdFor };
