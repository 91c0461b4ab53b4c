/* crashentry.c: a plugin whose entry point crashes (a NULL dereference);
 * the host must report it, naming the plugin, and exit 3, not dump core. */
#include <cohort/plugin.h>
#include <stddef.h>

const cohort_plugin *cohort_plugin_entry(void)
{
    const cohort_plugin *volatile none = NULL;
    return (const cohort_plugin *)(size_t)none->magic;
}
