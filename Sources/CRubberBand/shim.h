#ifndef DUBKIT_CRUBBERBAND_SHIM_H
#define DUBKIT_CRUBBERBAND_SHIM_H
#include <rubberband/rubberband-c.h>
#endif
