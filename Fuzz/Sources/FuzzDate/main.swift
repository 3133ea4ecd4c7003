import FuzzSupport

// Differential fuzzing of RegistryDate.parse against a reference parse of its documented grammar (see
// DateFuzzing).
FuzzDriver.run { data, size in
    DateFuzzing.run(FuzzDriver.bytes(data, size))
    return 0
}
