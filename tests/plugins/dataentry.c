/* dataentry.c: a plugin whose cohort_plugin_entry is a variable, not a
 * function: calling it would jump into data, so the host refuses it. */
const char cohort_plugin_entry[] = "not code";
