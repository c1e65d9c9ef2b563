#include "holidays.h"

#include <string.h>

static const struct {
    unsigned rule;
    const char *name;
} RULE_NAMES[] = {
    {BMC_HOL_NEW_YEAR, "new_year"},
    {BMC_HOL_GOOD_FRIDAY, "good_friday"},
    {BMC_HOL_EASTER_MONDAY, "easter_monday"},
    {BMC_HOL_KINGS_DAY, "kings_day"},
    {BMC_HOL_LIBERATION_DAY, "liberation_day"},
    {BMC_HOL_ASCENSION, "ascension"},
    {BMC_HOL_WHIT_MONDAY, "whit_monday"},
    {BMC_HOL_CHRISTMAS, "christmas"},
    {BMC_HOL_BOXING_DAY, "boxing_day"},
};
#define N_RULES (sizeof RULE_NAMES / sizeof RULE_NAMES[0])

int bmc_holiday_rule_from_name(const char *name, unsigned *rule)
{
    for (size_t i = 0; name && i < N_RULES; i++)
        if (!strcmp(name, RULE_NAMES[i].name)) {
            *rule = RULE_NAMES[i].rule;
            return 0;
        }
    return -1;
}

const char *bmc_holiday_rule_name(unsigned rule)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (RULE_NAMES[i].rule == rule)
            return RULE_NAMES[i].name;
    return "?";
}

static bmc_date kings_day(int year)
{
    bmc_date k = bmc_date_from_ymd(year, 4, 27);
    return bmc_date_weekday(k) == 6 ? k - 1 : k; /* Sunday -> Saturday the 26th */
}

static bmc_date rule_date(unsigned rule, int year, bmc_date easter)
{
    switch (rule) {
    case BMC_HOL_NEW_YEAR: return bmc_date_from_ymd(year, 1, 1);
    case BMC_HOL_GOOD_FRIDAY: return easter - 2;
    case BMC_HOL_EASTER_MONDAY: return easter + 1;
    case BMC_HOL_KINGS_DAY: return kings_day(year);
    case BMC_HOL_LIBERATION_DAY: return bmc_date_from_ymd(year, 5, 5);
    case BMC_HOL_ASCENSION: return easter + 39;
    case BMC_HOL_WHIT_MONDAY: return easter + 50;
    case BMC_HOL_CHRISTMAS: return bmc_date_from_ymd(year, 12, 25);
    default: return bmc_date_from_ymd(year, 12, 26); /* BMC_HOL_BOXING_DAY */
    }
}

/* The dates of year that the rules make holidays (two rules may give the same date). */
static int year_holidays(unsigned rules, int year, bmc_date out[N_RULES])
{
    bmc_date easter = bmc_easter_sunday(year);
    int n = 0;
    for (size_t i = 0; i < N_RULES; i++)
        if (rules & RULE_NAMES[i].rule)
            out[n++] = rule_date(RULE_NAMES[i].rule, year, easter);
    return n;
}

static bool in_list(const bmc_date *list, int n, bmc_date d)
{
    for (int i = 0; i < n; i++)
        if (list[i] == d)
            return true;
    return false;
}

bool bmc_is_rule_holiday(unsigned rules, bmc_date d)
{
    int y, m, dd;
    bmc_date_to_ymd(d, &y, &m, &dd);
    bmc_date hol[N_RULES];
    return in_list(hol, year_holidays(rules, y, hol), d);
}

int bmc_holidays_of_year(const void *rules, int year, bmc_date *out)
{
    _Static_assert(N_RULES <= BMC_MAX_YEAR_HOLIDAYS, "every rule fits the calendar's year");
    return year_holidays(*(const unsigned *)rules, year, out);
}
