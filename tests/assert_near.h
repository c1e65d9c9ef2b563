#ifndef BACKLOGMC_ASSERT_NEAR_H
#define BACKLOGMC_ASSERT_NEAR_H

/* cmocka's assert_float_equal compares floats; this compares doubles. Include after cmocka.h
 * and math.h. */
#define assert_near(a, b, eps)                                                                 \
    do {                                                                                       \
        double near_a_ = (a), near_b_ = (b);                                                   \
        if (!(fabs(near_a_ - near_b_) <= (eps)))                                               \
            fail_msg("%s = %.17g, expected %.17g within %g", #a, near_a_, near_b_,             \
                     (double)(eps));                                                           \
    } while (0)

#endif
