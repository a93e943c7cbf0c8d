#!/bin/sh -e
# A #! script whose interpreter line has an argument (-e): the kernel runs
# "/bin/sh -e SCRIPT ARGS".  Builtins only, so dash never forks.
case $- in
*e*) echo "errexit is on" ;;
*) echo "errexit is off" ;;
esac
echo "args: $*"
false
echo "not reached: -e must stop the script with status 1"
