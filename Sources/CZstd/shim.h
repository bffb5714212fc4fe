#ifndef LIME_CZSTD_SHIM_H
#define LIME_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>
#endif
