/* test_crisis.c - what core/crisis.h reads from the platform's resources: a
 * client's country and emergency contacts, and the crisis lines of a country
 * among a search's Locations and HealthcareServices (only active services
 * typed as crisis lines, with a phone, covering a Location of that country). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/crisis.h"

static cJSON *
parse(const char *s)
{
	cJSON *j = cJSON_Parse(s);

	assert_non_null(j);
	return j;
}

static void
patient_country_and_contacts(void **state)
{
	cJSON *p = parse("{\"resourceType\":\"Patient\",\"id\":\"p1\","
			 "\"address\":[{\"city\":\"x\"},{\"country\":\"my\"},{\"country\":\"SG\"}],"
			 "\"contact\":[{\"relationship\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0131\",\"code\":\"C\"}]}],"
			 "\"name\":{\"text\":\"Aminah\"},\"telecom\":[{\"system\":\"email\",\"value\":\"a@b\"},{\"system\":\"phone\",\"value\":\"+60 1\"}]},"
			 "{\"relationship\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0131\",\"code\":\"E\"}]}],"
			 "\"name\":{\"text\":\"Employer\"}},"
			 "{\"relationship\":[{\"text\":\"Emergency\"}],\"name\":{\"given\":[\"Ali\"],\"family\":\"Bakar\"}}]}");
	struct crisis_info c = { 0 };

	(void)state;
	crisis_from_patient(p, &c);
	assert_string_equal(c.country, "MY");   /* the first, in capitals */
	assert_int_equal(c.ncontacts, 2);       /* the employer is not one */
	assert_string_equal(c.contacts[0].name, "Aminah");
	assert_string_equal(c.contacts[0].phone, "+60 1");
	assert_null(c.contacts[1].phone);
	assert_non_null(strstr(c.contacts[1].name, "Ali"));
	crisis_info_finish(&c);
	cJSON_Delete(p);
}

#define LINE(id, extra) "{\"resourceType\":\"HealthcareService\",\"id\":\"" id "\",\"name\":\"" id "\"," \
	"\"telecom\":[{\"system\":\"phone\",\"value\":\"1" id "\"}]," extra "}"
#define CRISIS "\"type\":[{\"coding\":[{\"system\":\"urn:ezrizi:service\",\"code\":\"crisis-line\"}]}]"

static void
lines_of_the_country_only(void **state)
{
	cJSON *all = parse("["
		"{\"resourceType\":\"Location\",\"id\":\"my\",\"name\":\"Malaysia\",\"address\":{\"country\":\"MY\"}},"
		"{\"resourceType\":\"Location\",\"id\":\"kl\",\"name\":\"Kuala Lumpur\",\"address\":{\"city\":\"KL\",\"country\":\"my\"}},"
		"{\"resourceType\":\"Location\",\"id\":\"sg\",\"name\":\"Singapore\",\"address\":{\"country\":\"SG\"}},"
		LINE("a", CRISIS ",\"coverageArea\":[{\"reference\":\"Location/my\"}],\"communication\":[{\"coding\":[{\"code\":\"ms\"}]},{\"coding\":[{\"code\":\"en\"}]}]") ","
		LINE("b", CRISIS ",\"coverageArea\":[{\"reference\":\"Location/sg\"},{\"reference\":\"Location/kl\"}],\"comment\":\"slow\"") ","
		LINE("inactive", CRISIS ",\"active\":false,\"coverageArea\":[{\"reference\":\"Location/my\"}]") ","
		LINE("untyped", "\"coverageArea\":[{\"reference\":\"Location/my\"}]") ","
		LINE("elsewhere", CRISIS ",\"coverageArea\":[{\"reference\":\"Location/sg\"}]") ","
		LINE("unknown-area", CRISIS ",\"coverageArea\":[{\"reference\":\"Location/none\"}]") ","
		"{\"resourceType\":\"HealthcareService\",\"id\":\"nophone\"," CRISIS ",\"coverageArea\":[{\"reference\":\"Location/my\"}]}"
		"]");
	struct crisis_info c = { 0 };

	(void)state;
	crisis_lines_from_resources(all, "MY", &c);
	assert_int_equal(c.nlines, 2);
	assert_string_equal(c.lines[0].name, "a");
	assert_string_equal(c.lines[0].phone, "1a");
	assert_string_equal(c.lines[0].area, "Malaysia");
	assert_string_equal(c.lines[0].languages, "ms,en");
	assert_null(c.lines[0].comment);
	assert_string_equal(c.lines[1].area, "Kuala Lumpur");
	assert_string_equal(c.lines[1].comment, "slow");
	crisis_info_finish(&c);
	crisis_lines_from_resources(all, "SA", &c);
	assert_int_equal(c.nlines, 0);   /* none invented */
	crisis_info_finish(&c);
	cJSON_Delete(all);
}

static void
query_is_one_search(void **state)
{
	char *q = crisis_lines_query("MY");

	(void)state;
	assert_string_equal(q, "Location?address-country=MY&_revinclude=HealthcareService:coverage-area&_count=100");
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patient_country_and_contacts),
		cmocka_unit_test(lines_of_the_country_only),
		cmocka_unit_test(query_is_one_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
