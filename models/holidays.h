#ifndef BACKLOGMC_HOLIDAYS_H
#define BACKLOGMC_HOLIDAYS_H

#include <stdbool.h>

#include "calendar.h"

/* The Dutch public holidays the working-day calendar skips (docs/model.md section 1), as a bit set
 * of rules named in the config's time.holidays. */
enum bmc_holiday_rule {
    BMC_HOL_NEW_YEAR = 1u << 0,       /* 1 January */
    BMC_HOL_GOOD_FRIDAY = 1u << 1,    /* Easter - 2 */
    BMC_HOL_EASTER_MONDAY = 1u << 2,  /* Easter + 1 */
    BMC_HOL_KINGS_DAY = 1u << 3,      /* 27 April, 26 April when the 27th is a Sunday */
    BMC_HOL_LIBERATION_DAY = 1u << 4, /* 5 May */
    BMC_HOL_ASCENSION = 1u << 5,      /* Easter + 39 */
    BMC_HOL_WHIT_MONDAY = 1u << 6,    /* Easter + 50 */
    BMC_HOL_CHRISTMAS = 1u << 7,      /* 25 December */
    BMC_HOL_BOXING_DAY = 1u << 8,     /* 26 December */
};
/* Names used in configs: new_year, good_friday, easter_monday, kings_day, liberation_day,
 * ascension, whit_monday, christmas, boxing_day. Returns 0 and sets *rule, or -1. */
int bmc_holiday_rule_from_name(const char *name, unsigned *rule);
const char *bmc_holiday_rule_name(unsigned rule);
bool bmc_is_rule_holiday(unsigned rules, bmc_date d);

/* The calendar's holiday source (bmc_holidays_fn): ctx points to the unsigned rule set. */
int bmc_holidays_of_year(const void *rules, int year, bmc_date *out);

#endif
