// Linked only into the instrumented first stage of a profile-guided model build
// (src/builder.rs, `model_library_trained`): after the training samples the builder has gcov's
// counters written through this function (libraries stay loaded for the life of the process,
// so gcov's own writer, at unload or exit, would come too late for the second stage).
extern "C" void __gcov_dump(void);

extern "C" __attribute__((visibility("default"))) int fspinn_rtl_profile_dump() {
    __gcov_dump();
    return 1;
}
