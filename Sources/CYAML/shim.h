#ifndef COFFER_YAML_SHIM_H
#define COFFER_YAML_SHIM_H

#include <yaml.h>

#endif
