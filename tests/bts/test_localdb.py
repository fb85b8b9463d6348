import json

from bts.localdb import repair_pid_list


def test_an_emptied_pid_list_is_repaired(tmp_path):
    # What a Ctrl-C during `make demo` can leave behind; the next start must not crash on it.
    (tmp_path / ".handle_pids.json").write_text("")
    repair_pid_list(tmp_path)
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == []


def test_a_good_pid_list_is_left_alone(tmp_path):
    (tmp_path / ".handle_pids.json").write_text("[12, 34]")
    repair_pid_list(tmp_path)
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [12, 34]


def test_no_pid_list_yet(tmp_path):
    repair_pid_list(tmp_path)
    assert not (tmp_path / ".handle_pids.json").exists()
