/*
 * Compile-time checks of the ABI 1.0 layout on this platform. The struct
 * layouts are frozen: if one of these fires, a field was inserted or resized
 * instead of appended, which would break every plugin built before.
 */
#include "tandem_plugin.h"

_Static_assert(offsetof(tandem_error, struct_size) == 0, "struct_size first");
_Static_assert(offsetof(tandem_host, struct_size) == 0, "struct_size first");
_Static_assert(offsetof(tandem_processor, struct_size) == 0, "struct_size first");
_Static_assert(offsetof(tandem_map_provider, struct_size) == 0, "struct_size first");
_Static_assert(offsetof(tandem_transform_provider, struct_size) == 0, "struct_size first");
_Static_assert(offsetof(tandem_plugin_descriptor, struct_size) == 0, "struct_size first");

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
_Static_assert(sizeof(tandem_error) == 40, "tandem_error 1.0 layout");
_Static_assert(sizeof(tandem_host) == 72, "tandem_host 1.0 layout");
_Static_assert(sizeof(tandem_processor) == 40, "tandem_processor 1.0 layout");
_Static_assert(sizeof(tandem_map_provider) == 32, "tandem_map_provider 1.0 layout");
_Static_assert(sizeof(tandem_transform_provider) == 24, "tandem_transform_provider 1.0 layout");
_Static_assert(sizeof(tandem_plugin_descriptor) == 96, "tandem_plugin_descriptor 1.0 layout");
_Static_assert(sizeof(struct ArrowSchema) == 72, "ArrowSchema layout");
_Static_assert(sizeof(struct ArrowArray) == 80, "ArrowArray layout");
#endif

/* The Swift module needs one translation unit; it exports nothing. */
int tandem_plugin_abi_layout_checked(void) { return TANDEM_ABI_MAJOR; }
