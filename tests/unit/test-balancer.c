/* test-balancer.c — load-balancing recommendations: threshold, room,
 * cooldown, at most N moves, determinism
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-test-util.h"

#define GiB ((guint64) 1024 * 1024 * 1024)
#define NOW (1000 * G_TIME_SPAN_MINUTE)

static void
test_cpu_hotspot (void)
{
  FerryBalanceHost hosts[] = {
    { "n1", TRUE, 16 * GiB, 4 * GiB, 4, 0.95 },
    { "n2", TRUE, 16 * GiB, 4 * GiB, 4, 0.20 },
    { "n3", TRUE, 16 * GiB, 4 * GiB, 4, 0.50 },
  };
  FerryBalanceVm vms[] = {
    { "busy", "n1", 2 * GiB, 2, 0.9, 0 },   /* 45 % of n1 */
    { "idle", "n1", 2 * GiB, 1, 0.1, 0 },
    { "other", "n2", 1 * GiB, 1, 0.3, 0 },
  };
  GArray *moves = ferry_balance_recommend (hosts, 3, vms, 3, FERRY_BALANCE_THRESHOLD,
                                           FERRY_BALANCE_MAX_MOVES, NOW, FERRY_BALANCE_COOLDOWN_US);
  const FerryBalanceMove *m;
  g_autofree char *text = NULL;

  g_assert_cmpuint (moves->len, >=, 1);
  m = &g_array_index (moves, FerryBalanceMove, 0);
  /* The busy VM leaves n1 for the host with the most room. */
  g_assert_cmpstr (m->vm, ==, "busy");
  g_assert_cmpstr (m->from, ==, "n1");
  g_assert_cmpstr (m->to, ==, "n2");
  g_assert_false (m->for_memory);
  g_assert_cmpfloat (m->from_after, <, m->from_before);
  g_assert_cmpfloat (m->to_after, <=, FERRY_BALANCE_THRESHOLD);
  text = ferry_balance_move_describe (m);
  g_assert_nonnull (strstr (text, "n1 CPU 95 % → 50 %"));
  /* n1 is below the threshold after that: nothing more to do. */
  g_assert_cmpuint (moves->len, ==, 1);
  g_array_unref (moves);
}

static void
test_nothing_to_do_and_no_room (void)
{
  FerryBalanceHost calm[] = {
    { "n1", TRUE, 16 * GiB, 8 * GiB, 4, 0.6 },
    { "n2", TRUE, 16 * GiB, 8 * GiB, 4, 0.5 },
  };
  FerryBalanceHost full[] = {
    { "n1", TRUE, 16 * GiB, 15 * GiB, 4, 0.2 },
    { "n2", TRUE, 16 * GiB, 11 * GiB, 4, 0.2 },
    { "n3", FALSE, 64 * GiB, 1 * GiB, 32, 0.0 },   /* in maintenance: takes nothing */
  };
  FerryBalanceVm vms[] = {
    { "a", "n1", 4 * GiB, 1, 0.1, 0 },
  };
  GArray *moves = ferry_balance_recommend (calm, 2, vms, 1, 0.75, 2, NOW, 0);

  g_assert_cmpuint (moves->len, ==, 0);
  g_array_unref (moves);

  /* n1 is at 94 % memory but moving 4 GiB would push n2 to 94 %. */
  moves = ferry_balance_recommend (full, 3, vms, 1, 0.75, 2, NOW, 0);
  g_assert_cmpuint (moves->len, ==, 0);
  g_array_unref (moves);
}

static void
test_cooldown_and_limit (void)
{
  FerryBalanceHost hosts[] = {
    { "n1", TRUE, 16 * GiB, 15 * GiB, 8, 0.2 },
    { "n2", TRUE, 64 * GiB, 2 * GiB, 8, 0.1 },
  };
  FerryBalanceVm vms[] = {
    { "v1", "n1", 3 * GiB, 1, 0.1, NOW - G_TIME_SPAN_MINUTE },   /* moved a minute ago */
    { "v2", "n1", 2 * GiB, 1, 0.1, 0 },
    { "v3", "n1", 2 * GiB, 1, 0.1, 0 },
    { "v4", "n1", 2 * GiB, 1, 0.1, 0 },
    { "v5", "n1", 2 * GiB, 1, 0.1, 0 },
  };
  GArray *moves = ferry_balance_recommend (hosts, 2, vms, 5, 0.75, 2, NOW, FERRY_BALANCE_COOLDOWN_US);

  /* At most two, never the one in its cooldown. */
  g_assert_cmpuint (moves->len, ==, 2);
  for (guint i = 0; i < moves->len; i++)
    {
      g_assert_cmpstr (g_array_index (moves, FerryBalanceMove, i).vm, !=, "v1");
      g_assert_true (g_array_index (moves, FerryBalanceMove, i).for_memory);
    }
  /* Deterministic: the same answer every time. */
  for (guint run = 0; run < 10; run++)
    {
      GArray *again = ferry_balance_recommend (hosts, 2, vms, 5, 0.75, 2, NOW, FERRY_BALANCE_COOLDOWN_US);

      for (guint i = 0; i < moves->len; i++)
        g_assert_cmpstr (g_array_index (again, FerryBalanceMove, i).vm, ==,
                         g_array_index (moves, FerryBalanceMove, i).vm);
      g_array_unref (again);
    }
  g_array_unref (moves);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/balancer/cpu-hotspot", test_cpu_hotspot);
  g_test_add_func ("/balancer/nothing-to-do-and-no-room", test_nothing_to_do_and_no_room);
  g_test_add_func ("/balancer/cooldown-and-limit", test_cooldown_and_limit);

  return g_test_run ();
}
